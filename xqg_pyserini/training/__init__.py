"""Training: the retriever (xDR) on top of :mod:`xqg_pyserini.encoders.embedding`.

``examples`` holds the value types every training source produces; ``data/``
reads and builds them (Tevatron JSONL, mined from an ir_datasets id and a run,
synthetic pairs from generated questions, parallel questions for
distillation); ``retriever/`` holds the loss, the sampler, the gradient cache
and the Hugging Face Trainer around them. The CLI is ``python -m
xqg_pyserini.train``.
"""

"""Training: the retriever (xDR) and the question generator (xQG's mT5).

``examples`` holds the value types every retriever training source produces;
``data/`` reads and builds them (Tevatron JSONL, mined from an ir_datasets id
and a run, synthetic pairs from generated questions, parallel questions for
distillation); ``retriever/`` holds the loss, the sampler, the gradient cache
and the Hugging Face Trainer around them. ``generator/`` fine-tunes a
sequence-to-sequence question generator on (passage, question, language)
triples. ``workdir`` (checkpoints, resume) and ``record``
(``training_record.json``) are shared by both. The CLI is ``python -m
xqg_pyserini.train``.
"""

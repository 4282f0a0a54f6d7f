"""The xQG question generator trainer: DSI-QG's recipe on the Hugging Face Seq2SeqTrainer.

``triples`` holds the value type of the data, (gold passage, question,
language), and the dev split; ``jsonl``, ``squad`` and ``irds`` read triples
from our JSONL format, XOR-TyDi's gold paragraph files and ir_datasets ids,
and ``sources`` picks the reader for a ``--train-data`` argument; ``config``
is the run's settings; ``model`` checks and loads the seq2seq model;
``features`` turns triples into prompts and labels; ``trainer`` sets up the
``Seq2SeqTrainer``; ``run`` puts them together (work directory, resume, the
best model renamed into place). The CLI is ``python -m xqg_pyserini.train
generator``; see docs/training.md. Importing this package imports none of its
modules.
"""

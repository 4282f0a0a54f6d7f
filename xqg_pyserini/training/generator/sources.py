"""What ``--train-data`` and ``--dev-data`` accept: a file of triples or an ir_datasets id.

* a name ending in ``.jsonl`` / ``.jsonl.gz``: our JSONL triples (:mod:`.jsonl`);
* a name ending in ``.json`` / ``.json.gz``: an XOR-TyDi gold paragraph file
  (SQuAD-style, :mod:`.squad`);
* anything else that is not an existing path: an ir_datasets id with questions,
  languages and qrels (:mod:`.irds`), e.g. ``xqg-demo/train``.

The format is decided by the name, never by sniffing the content.
"""

from __future__ import annotations

from pathlib import Path

from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.training.generator import jsonl, squad
from xqg_pyserini.training.generator.triples import TripleSource

__all__ = ["load_triples"]


def load_triples(source: str) -> TripleSource:
    """The triples of one source (see the module docstring).

    Raises
    ------
    FileNotFoundError
        If ``source`` names a ``.json(l)`` file that does not exist.
    CorpusFormatError
        For an existing file or directory of another kind, or a malformed file.
    DatasetError
        For an unknown ir_datasets id or one that lacks what triples need.
    """
    path = Path(source)
    if source.endswith(jsonl.SUFFIXES + squad.SUFFIXES):
        if not path.is_file():
            raise FileNotFoundError(f"training data file not found: {path}")
        if source.endswith(jsonl.SUFFIXES):
            return jsonl.read_triples_jsonl(path)
        return squad.read_gold_paragraphs(path)
    if path.exists():
        raise CorpusFormatError(
            f"{path}: unknown training data format; expected a .jsonl(.gz) file of triples, "
            "a .json(.gz) gold paragraph file, or an ir_datasets id"
        )
    from xqg_pyserini.training.generator.irds import dataset_triples

    return dataset_triples(source)

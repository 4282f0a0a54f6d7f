"""What ``--corpus`` names: a passage file or an ir_datasets id, as one stream of Passages.

* an existing file ending in ``.jsonl`` / ``.jsonl.gz`` (see :mod:`.corpus`), or
  ``.tsv`` / ``.tsv.gz`` in DPR's format (``id, text, title`` with a header, as
  XOR-Retrieve's enwiki_20190201_w100.tsv);
* otherwise an ir_datasets id whose docs have ``doc_id``, ``title`` and ``text``
  (``xqg-demo``, ``xor-tydi/retrieve``, or any other registered collection).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xqg_pyserini.data.corpus import Passage, count_lines, read_jsonl_corpus
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["CorpusSource", "open_corpus"]

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
TSV_SUFFIXES = (".tsv", ".tsv.gz")


@dataclass(frozen=True)
class CorpusSource:
    """A corpus named by the user; ``kind`` is ``jsonl``, ``tsv`` or ``ir_datasets``."""

    name: str
    kind: str

    def passages(self) -> Iterator[Passage]:
        """The passages in corpus order."""
        if self.kind == "jsonl":
            return read_jsonl_corpus(self.name)
        if self.kind == "tsv":
            from xqg_pyserini.data.formats import read_dpr_tsv

            return (Passage(d.doc_id, d.title, d.text) for d in read_dpr_tsv(Path(self.name)))
        from xqg_pyserini.irds.load import dataset_passages, load_dataset

        return dataset_passages(load_dataset(self.name), self.name)

    def lookup(self, doc_ids: Iterable[str]) -> dict[str, Passage]:
        """The passages with these ids (ids not in the corpus are left out).

        An ir_datasets corpus uses its docstore (random access, built on first
        use); a file is scanned once.
        """
        wanted = set(doc_ids)
        if self.kind == "ir_datasets":
            from xqg_pyserini.irds.load import load_dataset

            docs = load_dataset(self.name).docs_store().get_many(wanted)
            return {i: Passage(i, getattr(d, "title", "") or "", d.text) for i, d in docs.items()}
        return {p.doc_id: p for p in self.passages() if p.doc_id in wanted}

    def count(self, progress: bool = True) -> int | None:
        """Number of passages, for progress bars; None when it cannot be known.

        Files are counted by lines (gunzipped on the fly); an ir_datasets corpus
        by its ``docs_count()``, else by a counting pass over its documents
        (with its own bar).
        """
        if self.kind == "ir_datasets":
            from xqg_pyserini.irds.load import load_dataset

            dataset = load_dataset(self.name)
            if not dataset.has_docs():
                return None
            try:
                count = dataset.docs_count()
            except (NotImplementedError, RuntimeError, FileNotFoundError):
                count = None
            if count is None:
                from xqg_pyserini.progress import progress_bar

                docs = progress_bar(
                    dataset.docs_iter(), enabled=progress, unit="passage", desc="counting"
                )
                count = sum(1 for _ in docs)
            return count
        lines = count_lines(self.name)
        if lines is None:
            return None
        return lines - 1 if self.kind == "tsv" else lines  # the TSV header

    def identity(self) -> dict[str, Any]:
        """What identifies this corpus's content in an index's build key."""
        if self.kind == "ir_datasets":
            # Not docs_count(): ir_datasets may only know it once a docstore exists,
            # which would make the same corpus look different before and after a build.
            return {"dataset": self.name}
        stat = Path(self.name).stat()
        return {
            "path": str(Path(self.name).resolve()),
            "bytes": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
        }


def open_corpus(spec: str | Path) -> CorpusSource:
    """Classify ``spec`` as a JSONL file, a DPR TSV file or an ir_datasets id.

    Raises
    ------
    FileNotFoundError
        If ``spec`` looks like a file path (has a known suffix) but does not exist.
    CorpusFormatError
        If ``spec`` is an existing file of an unknown format.
    """
    name = str(spec)
    path = Path(name)
    if name.endswith(JSONL_SUFFIXES + TSV_SUFFIXES) and not path.is_file():
        raise FileNotFoundError(f"corpus file not found: {path}")
    if path.is_file():
        if name.endswith(JSONL_SUFFIXES):
            return CorpusSource(name, "jsonl")
        if name.endswith(TSV_SUFFIXES):
            return CorpusSource(name, "tsv")
        raise CorpusFormatError(
            f"{path}: unknown corpus format; expected .jsonl(.gz) or DPR .tsv(.gz)"
        )
    return CorpusSource(name, "ir_datasets")

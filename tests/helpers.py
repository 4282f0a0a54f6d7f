"""Helpers shared by several test modules (tests never import each other).

Slices of the bundled xqg-demo collection and its stand-in questions, index and
run readers, the error lines our CLIs print, in-memory ir_datasets documents,
and the Hypothesis settings of the fuzz tests.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np
from ir_datasets.formats import BaseDocs

ROOT = Path(__file__).resolve().parents[1]
Generated = dict[str, dict[str, list[str]]]


class Doc(NamedTuple):
    """An ir_datasets document with a title."""

    doc_id: str
    title: str
    text: str


class MemoryDocs(BaseDocs):
    """ir_datasets documents held in a list (registered by the tests that need a corpus)."""

    def __init__(self, docs: list[Doc]) -> None:
        self._docs = docs

    def docs_iter(self):  # type: ignore[no-untyped-def]
        return iter(self._docs)

    def docs_count(self) -> int:
        return len(self._docs)

    def docs_cls(self) -> type:
        return Doc

    def docs_lang(self) -> str:
        return "en"


def write_demo_head(path: Path, count: int) -> Path:
    """The first ``count`` passages of the bundled xqg-demo collection, as JSONL."""
    from xqg_pyserini.data.formats import read_dpr_tsv
    from xqg_pyserini.irds.xqg_demo import CORPUS_FILE, directory

    docs = read_dpr_tsv(directory() / CORPUS_FILE)
    lines = [
        json.dumps({"docid": d.doc_id, "title": d.title, "text": d.text}, ensure_ascii=False)
        for d, _ in zip(docs, range(count), strict=False)
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def demo_generated(count: int) -> Generated:
    """The stand-in questions of the first ``count`` demo passages: ``{docid: {lang: [...]}}``."""
    from xqg_pyserini.irds.xqg_demo import GENERATED_FILE, directory

    with gzip.open(directory() / GENERATED_FILE, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line, _ in zip(f, range(count), strict=False)]
    return {r["docid"]: r["generated_queries"] for r in records}


def write_generated(path: Path, generated: Generated, order: list[str] | None = None) -> Path:
    """Generated questions in the authors' format, one passage a line (``order``: docids)."""
    lines = [
        json.dumps({"docid": d, "text": "", "generated_queries": generated[d]}, ensure_ascii=False)
        for d in (order or list(generated))
    ]
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return path


def write_generated_head(path: Path, doc_ids: set[str]) -> Path:
    """The bundled stand-in generated questions of these passages only, as they are stored."""
    from xqg_pyserini.irds.xqg_demo import GENERATED_FILE, directory

    with gzip.open(directory() / GENERATED_FILE, "rt", encoding="utf-8") as lines:
        kept = [line for line in lines if json.loads(line)["docid"] in doc_ids]
    path.write_text("".join(kept), "utf-8")
    return path


def read_index(directory: Path) -> tuple[np.ndarray, list[str]]:
    """An index directory's vectors ``(n, dim)`` and docids, in index order."""
    import faiss

    index = faiss.read_index(str(directory / "index"))
    docids = (directory / "docid").read_text("utf-8").splitlines()
    return index.reconstruct_n(0, index.ntotal), docids


def fuzz_settings(default_examples: int = 100):  # type: ignore[no-untyped-def]
    """Hypothesis settings of the fuzz tests: a fixed seed and example count, no database.

    ``XQG_FUZZ_EXAMPLES=N`` runs N examples per test instead (docs/formats.md:
    a longer campaign, still derandomized, so it can be repeated exactly).
    """
    import os

    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=int(os.environ.get("XQG_FUZZ_EXAMPLES", default_examples)),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def valid_id(value: object) -> bool:
    """The id rule of docs/formats.md, written apart from the readers' own (for the fuzz tests).

    A non-empty string without whitespace, control characters, surrogates or U+FEFF.
    """
    import unicodedata

    return (
        isinstance(value, str)
        and value != ""
        and not any(
            c.isspace() or c == "\ufeff" or unicodedata.category(c) in ("Cc", "Cs") for c in value
        )
    )


def error_lines(stderr: str) -> list[str]:
    """The lines our CLI reports errors on (progress bars also write to stderr)."""
    return [line for line in stderr.replace("\r", "\n").splitlines() if line.startswith("error:")]


def build_argv(model: Path, corpus: Path, out: Path, *extra: str) -> list[str]:
    """Index CLI flags of the augmentation tests: tiny model, prefixes, 12-token queries, and
    float32, so that vectors can be checked against the formula computed independently."""
    return [
        "--corpus", str(corpus), "--encoder", str(model), "--output", str(out),
        "--query-prefix", "query:", "--passage-prefix", "passage:",
        "--query-max-length", "12", "--batch-size", "4", "--dtype", "float32", *extra,
    ]  # fmt: skip


# Words of the synthetic retrieval tasks of the training tests (passages of random words).
TRAINING_WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "river",
    "city",
    "mountain",
    "lake",
    "north",
    "south",
    "east",
    "west",
    "island",
    "forest",
    "desert",
    "valley",
    "harbour",
    "castle",
    "bridge",
]


def kill_after_step(step: int):  # type: ignore[no-untyped-def]
    """A Trainer callback that stops the run with KeyboardInterrupt after ``step`` (a kill)."""
    from transformers import TrainerCallback

    class Kill(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            if state.global_step == step:
                raise KeyboardInterrupt(f"killed after step {step}")

    return Kill()


def truncate_half(path: Path) -> None:
    """Damage a file: cut it to half its size."""
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def flip_middle_byte(path: Path) -> None:
    """Damage a file: flip one bit of its middle byte (same size, other content)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def isolate_ir_datasets(home: Path, monkeypatch, *unset: str) -> Path:  # type: ignore[no-untyped-def]
    """A private ``IR_DATASETS_HOME`` at ``home``, the env vars ``unset`` removed, downloads
    that fail loudly (naming the URL), and our datasets registered. Returns ``home``."""
    import ir_datasets

    from xqg_pyserini.irds import register

    monkeypatch.setenv("IR_DATASETS_HOME", str(home))
    for name in unset:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IR_DATASETS_DL_DISABLE_PBAR", "true")

    def no_network(self: object) -> None:
        raise ConnectionError(f"network disabled in tests: {self.url}")  # type: ignore[attr-defined]

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", no_network)
    register()
    return home


def write_text_files(directory: Path, files: dict[str, str], gz: bool = False) -> Path:
    """Write ``{name: text}`` into ``directory`` (as ``name.gz`` when ``gz``). Returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if gz:
            (directory / f"{name}.gz").write_bytes(gzip.compress(text.encode("utf-8")))
        else:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def write_private_demo(root: Path, passages: int, questions: list[dict[str, object]]) -> Path:
    """A private xqg-demo directory: the first ``passages`` passages and ``questions``.

    The questions (``{"id", "question", "answers", "lang"}``) are both splits', each
    judged relevant to passage 1; point :func:`xqg_pyserini.irds.xqg_demo.set_directory`
    at the returned directory (and ``IR_DATASETS_HOME`` at a temporary one).
    """
    from xqg_pyserini.irds.xqg_demo import CORPUS_FILE, directory

    with gzip.open(directory() / CORPUS_FILE, "rt", encoding="utf-8") as f:
        head = "".join(line for line, _ in zip(f, range(passages + 1), strict=False))
    demo = root / "xqg_demo"
    demo.mkdir(parents=True)
    with gzip.open(demo / CORPUS_FILE, "wt", encoding="utf-8") as f:
        f.write(head)
    records = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    for split in ("train", "dev"):
        (demo / f"xor_{split}_retrieve.jsonl").write_text(records, "utf-8")
        qrels = "".join(f"{q['id']} 0 1 1\n" for q in questions)
        (demo / f"qrels.{split}.tsv").write_text(qrels, "utf-8")
    return demo

"""Benchmark inputs: slices of the bundled demo collection and synthetic corpora.

Every file is JSONL in the formats of docs/formats.md: passages as
``{"id", "title", "text"}`` (read alike by ``xqg_pyserini.index`` and
``pyserini.encode --fields title text``), generated questions as
``{"docid", "text", "generated_queries": {lang: [...]}}``.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "DemoData",
    "load_demo",
    "write_passages",
    "write_questions",
    "write_synthetic",
]

LANGUAGES = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
_WORDS = [
    "river",
    "mountain",
    "city",
    "capital",
    "history",
    "music",
    "war",
    "king",
    "island",
    "language",
    "science",
    "film",
    "university",
    "century",
    "population",
    "village",
    "church",
    "school",
    "railway",
    "festival",
    "museum",
    "bridge",
    "empire",
    "novel",
    "poet",
    "station",
    "lake",
    "temple",
    "market",
    "harbour",
    "forest",
    "valley",
    "league",
    "season",
]
_QUESTION_WORDS = {
    "ar": ["ما", "هو", "متى", "أين", "من", "كم", "لماذا"],
    "bn": ["কী", "কবে", "কোথায়", "কে", "কত", "কেন"],
    "fi": ["mikä", "milloin", "missä", "kuka", "kuinka", "miksi"],
    "ja": ["何", "いつ", "どこ", "誰", "いくつ", "なぜ"],
    "ko": ["무엇", "언제", "어디", "누구", "얼마나", "왜"],
    "ru": ["что", "когда", "где", "кто", "сколько", "почему"],
    "te": ["ఏమిటి", "ఎప్పుడు", "ఎక్కడ", "ఎవరు", "ఎన్ని", "ఎందుకు"],
}


@dataclass(frozen=True)
class DemoData:
    """The bundled xqg-demo collection: passages in corpus order, their questions, dev questions."""

    passages: list[dict[str, str]]
    questions: dict[str, dict[str, list[str]]]
    dev_questions: list[str]
    generated_bytes: int
    """Uncompressed bytes of the generated-questions JSONL (for per-question disk cost)."""
    generated_gz_bytes: int


def load_demo() -> DemoData:
    """Read the demo files shipped in ``xqg_pyserini/resources/xqg_demo``."""
    import gzip

    from xqg_pyserini.data.formats import read_dpr_tsv, read_xor_queries
    from xqg_pyserini.irds.xqg_demo import directory

    root = directory()
    passages = [
        {"id": d.doc_id, "title": d.title, "text": d.text}
        for d in read_dpr_tsv(root / "psgs_w100.tsv.gz")
    ]
    raw = gzip.decompress((root / "generated_queries.jsonl.gz").read_bytes())
    questions = {}
    for line in raw.splitlines():
        record = json.loads(line)
        questions[record["docid"]] = record["generated_queries"]
    dev = [q.text for q in read_xor_queries(root / "xor_dev_retrieve.jsonl")]
    gz_bytes = (root / "generated_queries.jsonl.gz").stat().st_size
    return DemoData(passages, questions, dev, len(raw), gz_bytes)


def write_passages(path: Path, passages: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return path


def write_questions(path: Path, passages: list[dict[str, str]], demo: DemoData) -> Path:
    """The demo's generated questions of ``passages``, in the same order."""
    with path.open("w", encoding="utf-8") as f:
        for p in passages:
            record = {
                "docid": p["id"],
                "text": p["text"],
                "generated_queries": demo.questions[p["id"]],
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _synthetic(n: int, per_language: int, seed: int) -> Iterator[tuple[dict, dict]]:
    rng = random.Random(seed)
    for i in range(n):
        words = rng.choices(_WORDS, k=60)
        passage = {"id": f"s{i}", "title": " ".join(words[:2]).title(), "text": " ".join(words)}
        queries = {
            lang: [
                " ".join(rng.choices(_QUESTION_WORDS[lang], k=2) + rng.choices(words, k=3)) + "?"
                for _ in range(per_language)
            ]
            for lang in LANGUAGES
        }
        yield (
            passage,
            {"docid": passage["id"], "text": passage["text"], "generated_queries": queries},
        )


def write_synthetic(
    directory: Path, n: int, per_language: int = 5, seed: int = 0
) -> tuple[Path, Path]:
    """A synthetic corpus of ``n`` 60-word passages with ``7 x per_language`` questions each.

    Returns ``(passages.jsonl, generated.jsonl)``; existing files of the same size are reused.
    """
    directory.mkdir(parents=True, exist_ok=True)
    corpus, generated = directory / "passages.jsonl", directory / "generated.jsonl"
    done = directory / "complete"
    if done.is_file() and done.read_text() == f"{n} {per_language} {seed}":
        return corpus, generated
    with corpus.open("w", encoding="utf-8") as fc, generated.open("w", encoding="utf-8") as fg:
        for passage, record in _synthetic(n, per_language, seed):
            fc.write(json.dumps(passage, ensure_ascii=False) + "\n")
            fg.write(json.dumps(record, ensure_ascii=False) + "\n")
    done.write_text(f"{n} {per_language} {seed}")
    return corpus, generated


def first(passages: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    return list(itertools.islice(passages, n))

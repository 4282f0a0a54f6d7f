"""The hand-written demo passages and questions bundled with the package.

They are read from ``tools/xqg_demo/handwritten/`` (never edited by the build) and put
first in the collection; their 14 questions go into the dev split.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HandQuestion", "HandwrittenData", "read_handwritten"]


@dataclass(frozen=True)
class HandQuestion:
    qid: str
    lang: str
    question: str
    docid: str  # demo-NNNN
    answer: str


@dataclass(frozen=True)
class HandwrittenData:
    passages: list[dict[str, str]]  # docid, title, text
    questions: list[HandQuestion]


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


def read_handwritten(resources: Path) -> HandwrittenData:
    """Read ``demo_passages.jsonl``, ``demo_questions.tsv`` and ``demo_questions_gold.tsv``."""
    passages = []
    with (resources / "demo_passages.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                passages.append({k: record[k] for k in ("docid", "title", "text")})
    texts = dict(_read_tsv(resources / "demo_questions.tsv"))
    questions = []
    for qid, docid, answer in _read_tsv(resources / "demo_questions_gold.tsv"):
        if qid not in texts:
            raise ValueError(f"{resources / 'demo_questions_gold.tsv'}: {qid} has no question")
        questions.append(HandQuestion(qid, qid.split("-")[0], texts[qid], docid, answer))
    return HandwrittenData(passages, questions)

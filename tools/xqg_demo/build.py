"""Build the xqg-demo collection: passages, questions, qrels, stand-in generated questions,
English versions of the train questions and parallel train questions.

Deterministic: every random choice comes from a generator seeded with
``BuildConfig.seed`` and a fixed label, every collection is iterated in a
fixed order, and the writers in :mod:`output` fix timestamps and formats.
The English and parallel questions draw nothing at random (they follow the
train questions' own choices), so they leave the other files' bytes unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .answers import AnswerIndex
from .corpus import build_passages
from .english import english_names, english_questions
from .errors import BuildError
from .handwritten import read_handwritten
from .output import gzip_bytes, jsonl_bytes, tsv_bytes, write_bytes
from .parallel import parallel_records
from .passages import Passage
from .readme import render_readme
from .selection import Question, assign_splits, entities_by_name, select_questions
from .sources import LANGS, Country, load_cities, load_countries
from .standin import generate_questions

__all__ = ["BuildConfig", "BuildError", "BuildSummary", "build"]

FILES = (
    "psgs_w100.tsv.gz",
    "xor_dev_retrieve.jsonl",
    "xor_train_retrieve.jsonl",
    "qrels.dev.tsv",
    "qrels.train.tsv",
    "generated_queries.jsonl.gz",
    "xor_train-en_retrieve.jsonl",
    "qrels.train-en.tsv",
    "parallel_train.jsonl",
    "parallel_train_all_languages.jsonl.gz",
    "README.md",
)
ENGLISH_SPLIT = "train-en"
PARALLEL_FILE = "parallel_train.jsonl"
PARALLEL_ALL_FILE = "parallel_train_all_languages.jsonl.gz"


@dataclass(frozen=True)
class BuildConfig:
    """Options of the build; the defaults produce the shipped collection."""

    output: Path
    resources: Path
    seed: int = 2023
    passages: int = 5500
    dev_per_language: int = 50  # including the two hand-written questions
    train_per_language: int = 80
    dev_share: float = 0.3  # of the GeoNames entities
    max_answer_passages: int = 3
    min_words: int = 50
    max_words: int = 110


@dataclass
class BuildSummary:
    passages: int
    kinds: Counter
    questions: dict[str, Counter] = field(default_factory=dict)  # split -> lang -> n
    generated: int = 0
    widened: dict[str, str] = field(default_factory=dict)  # hand qid -> widened answer
    english: int = 0  # English versions of the train questions
    rewrites: Counter = field(default_factory=Counter)  # lang -> train questions rewritten in it


def _check_lengths(passages: list[Passage], config: BuildConfig) -> None:
    for p in passages:
        words = len(p.text.split())
        if not config.min_words <= words <= config.max_words:
            raise BuildError(
                f"passage {p.entity} ({p.title!r}) has {words} words; "
                f"expected {config.min_words}-{config.max_words}"
            )


def _hand_questions(hand, passages, index, summary) -> list[Question]:
    at_of = {p.entity: i for i, p in enumerate(passages)}
    out = []
    for q in hand.questions:
        at = at_of[f"hand:{q.docid}"]
        answer = index.widen(q.answer, at)
        if answer is None:
            raise BuildError(
                f"hand-written answer {q.answer!r} of {q.qid} cannot be made distinctive"
            )
        if answer != q.answer:
            summary.widened[q.qid] = answer
        out.append(Question(q.qid, q.lang, q.question, (answer,), at, "handwritten"))
    return out


def _ordered(questions: list[Question]) -> list[Question]:
    """By language, hand-written first, then by id."""
    order = {lang: i for i, lang in enumerate(LANGS)}
    return sorted(questions, key=lambda q: (order[q.lang], q.kind != "handwritten", q.qid))


def _write_questions(out: Path, split: str, ordered: list[Question], docids: list[str]) -> None:
    """``xor_<split>_retrieve.jsonl`` and ``qrels.<split>.tsv``, in ``ordered``'s order."""
    records = [
        {"id": q.qid, "question": q.question, "answers": list(q.answers), "lang": q.lang}
        for q in ordered
    ]
    write_bytes(out / f"xor_{split}_retrieve.jsonl", jsonl_bytes(records))
    qrels = "".join(f"{q.qid} 0 {docids[q.passage]} 1\n" for q in ordered)
    write_bytes(out / f"qrels.{split}.tsv", qrels.encode("utf-8"))


def _write_english(
    out: Path,
    splits: dict[str, list[Question]],
    passages: list[Passage],
    countries: dict[str, Country],
    index: AnswerIndex,
    docids: list[str],
    summary: BuildSummary,
) -> None:
    """The English train questions (``train-en``) and the two parallel files."""
    train = _ordered(splits["train"])
    names = english_names(passages, {code: c.name for code, c in countries.items()})
    english = english_questions(train, passages, names, index)
    _write_questions(out, ENGLISH_SPLIT, english, docids)
    asked = {q.question for questions in splits.values() for q in questions}
    pairs, everything = parallel_records(
        train, english, passages, entities_by_name(passages), asked
    )
    write_bytes(out / PARALLEL_FILE, jsonl_bytes(pairs))
    write_bytes(out / PARALLEL_ALL_FILE, gzip_bytes(jsonl_bytes(everything)))
    summary.english = len(english)
    summary.rewrites = Counter(r["language"] for r in everything) - Counter(
        r["language"] for r in pairs
    )


def build(config: BuildConfig) -> BuildSummary:
    """Build every file of the collection into ``config.output``."""
    hand = read_handwritten(config.resources)
    cities, countries = load_cities(), load_countries()
    passages = build_passages(hand.passages, cities, countries, config.passages)
    _check_lengths(passages, config)
    docids = [str(i + 1) for i in range(len(passages))]
    index = AnswerIndex([p.text for p in passages], config.max_answer_passages)
    summary = BuildSummary(len(passages), Counter(p.kind for p in passages))

    hand_questions = _hand_questions(hand, passages, index, summary)
    split_of = assign_splits(passages, config.seed, config.dev_share)
    used = {q.passage for q in hand_questions}
    hand_per_lang = Counter(q.lang for q in hand_questions)
    if len(set(hand_per_lang.values())) > 1:
        raise BuildError(f"hand-written questions are unevenly spread: {dict(hand_per_lang)}")
    dev_quota = config.dev_per_language - max(hand_per_lang.values(), default=0)
    chosen = select_questions(
        passages,
        split_of,
        index,
        {"dev": dev_quota, "train": config.train_per_language},
        config.seed,
        used,
    )
    splits = {"dev": hand_questions + chosen["dev"], "train": chosen["train"]}
    for split, questions in splits.items():
        summary.questions[split] = Counter(q.lang for q in questions)
        want = config.dev_per_language if split == "dev" else config.train_per_language
        short = {lang: summary.questions[split][lang] for lang in LANGS}
        if min(short.values()) < want:
            raise BuildError(f"{split}: only {short} questions per language; wanted {want}")

    out = config.output
    out.mkdir(parents=True, exist_ok=True)
    rows = [["id", "text", "title"]] + [
        [d, p.text, p.title] for d, p in zip(docids, passages, strict=True)
    ]
    write_bytes(out / "psgs_w100.tsv.gz", gzip_bytes(tsv_bytes(rows)))
    for split, questions in splits.items():
        _write_questions(out, split, _ordered(questions), docids)
    _write_english(out, splits, passages, countries, index, docids, summary)
    generated = [
        {"docid": d, "text": p.text, "generated_queries": generate_questions(p, d, config.seed)}
        for d, p in zip(docids, passages, strict=True)
    ]
    summary.generated = sum(len(v) for g in generated for v in g["generated_queries"].values())
    write_bytes(out / "generated_queries.jsonl.gz", gzip_bytes(jsonl_bytes(generated)))
    kinds = {split: Counter(q.kind for q in qs) for split, qs in splits.items()}
    write_bytes(out / "README.md", render_readme(summary, kinds, config).encode("utf-8"))
    return summary

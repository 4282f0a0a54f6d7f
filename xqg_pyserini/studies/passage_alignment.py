"""Questions against their gold English passages, read from one or more indexes.

The question–passage part of the alignment study (``python -m xqg_pyserini.study
alignment --index NAME=DIR ...``): for every index and every language of the family
``{prefix}/{lang}{suffix}`` (datasets whose qrels point each question to its gold
English passage, e.g. ``xquad/ar/distractors``), the questions are encoded with the
index's own query encoder (the one its ``metadata.json`` records, in its precision),
the gold passage vectors are read back from the index (FAISS ``reconstruct``), and
:func:`~xqg_pyserini.studies.alignment_metrics.infonce_passage_bound` gives the InfoNCE
bound, N (the unique gold passages of a batch are its candidates) and P@1 among those
candidates. Indexes of one corpus share questions and gold passages, so the
per-question InfoNCE terms of each index are compared with the first index's (the
baseline) by a paired two-sided t-test
(:func:`xqg_pyserini.eval.significance.compare`): does augmentation raise the bound?
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import XqgError

__all__ = [
    "BASELINE_TEST",
    "IndexSource",
    "PassageAlignmentError",
    "PassageRow",
    "PassageStudy",
    "QuestionEncoders",
    "gold_passages",
    "measure_passages",
    "open_index",
    "parse_index_option",
]

#: the paired test of the per-question InfoNCE terms against the baseline index
BASELINE_TEST = "t-test"

Encode = Callable[[list[str]], np.ndarray]


class PassageAlignmentError(XqgError, ValueError):
    """An index or dataset the question–passage part cannot use (one line, says which)."""


def parse_index_option(values: Sequence[str]) -> list[tuple[str, Path]]:
    """``NAME=DIR`` (or ``DIR``, named by its folder) values of ``--index`` as ``(name,
    directory)``, names unique.

    Raises
    ------
    PassageAlignmentError
        For an empty name or directory, or a repeated name.
    """
    from xqg_pyserini.cli.named_paths import parse_named_paths

    try:
        return list(parse_named_paths(values, "--index", "dir").items())
    except ValueError as exc:
        raise PassageAlignmentError(str(exc)) from None


@dataclass
class IndexSource:
    """One opened index: its name, directory, metadata and stored vectors."""

    name: str
    directory: Path
    metadata: Any
    vectors: Any

    @property
    def label(self) -> str:
        return f"--index {self.name}={self.directory}"

    def describe(self) -> dict[str, Any]:
        meta = self.metadata
        return {
            "directory": str(self.directory),
            "corpus": meta.corpus,
            "encoder": meta.encoder_name,
            "precision": meta.precision,
            "index_type": meta.index_type,
            "augmentation": None
            if meta.augmentation is None
            else {k: meta.augmentation.get(k) for k in ("alpha", "method", "languages")},
        }


def open_index(name: str, directory: Path) -> IndexSource:
    """Read an index's metadata and open its vectors, checking they can be reconstructed.

    Raises
    ------
    PassageAlignmentError
        If the directory does not exist, holds no readable ``metadata.json``, or its
        FAISS index cannot give its vectors back (``reconstruct`` unsupported).
    """
    from xqg_pyserini.indexes.metadata import read_metadata
    from xqg_pyserini.indexes.stored_vectors import StoredVectors

    label = f"--index {name}={directory}"
    if not directory.is_dir():
        raise PassageAlignmentError(f"{label}: no such index directory")
    try:
        meta = read_metadata(directory)
        vectors = StoredVectors(directory, flag=f"--index {name}")
    except XqgError as exc:
        raise PassageAlignmentError(f"{label}: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise PassageAlignmentError(f"{label}: unreadable FAISS index ({_one_line(exc)})") from None
    if vectors.index.ntotal:
        try:
            vectors.index.reconstruct(0)
        except RuntimeError as exc:
            raise PassageAlignmentError(
                f"{label}: its vectors cannot be reconstructed (index type "
                f"{meta.index_type!r}: {_one_line(exc)}); build a Flat index"
            ) from None
    return IndexSource(name, directory, meta, vectors)


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def gold_passages(dataset_id: str) -> dict[str, str]:
    """``{query_id: gold passage id}`` from the qrels of ``dataset_id``.

    The first judgement of relevance > 0 of each question is its gold passage
    (XQuAD has exactly one per question).

    Raises
    ------
    PassageAlignmentError
        If the dataset has no qrels.
    """
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(dataset_id)
    if not dataset.has_qrels():
        raise PassageAlignmentError(
            f"{dataset_id} has no qrels: the question–passage part needs each question's "
            "gold passage"
        )
    gold: dict[str, str] = {}
    for qrel in dataset.qrels_iter():
        if qrel.relevance > 0:
            gold.setdefault(qrel.query_id, qrel.doc_id)
    return gold


def check_corpus(source: IndexSource, dataset_id: str, passage_ids: Sequence[str]) -> None:
    """Every gold passage of ``dataset_id`` is in the index, or one line naming what is missing."""
    missing = sorted({d for d in passage_ids if d not in source.vectors.rows})
    if missing:
        raise PassageAlignmentError(
            f"{source.label}: {len(missing)} of the {len(set(passage_ids))} gold passage(s) "
            f"of {dataset_id} are not in this index (e.g. {missing[0]!r}); it was built from "
            f"{source.metadata.corpus!r}, give an index of the dataset's corpus"
        )


class QuestionEncoders:
    """Query encoders by their settings and precision, and the vectors they gave, cached.

    Two indexes with one query encoder (a plain and an xQG index of the same model)
    encode each language's questions once. ``factory`` (for tests) maps
    ``(encoder name, dtype)`` to an encode function; by default a
    :class:`~xqg_pyserini.encoders.transformer.TransformerEncoder` in chunks of 128.
    """

    def __init__(self, factory: Callable[[str, str | None], tuple[Encode, dict]] | None = None):
        self.factory = factory or _transformer
        self._encoders: dict[str, tuple[Encode, dict[str, Any]]] = {}
        self._vectors: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}

    def get(self, name: str, dtype: str | None = None) -> tuple[str, Encode, dict[str, Any]]:
        """``(key, encode, info)`` of the encoder ``name`` (an index, model or preset)."""
        from xqg_pyserini.encoders.spec import resolve_encoder_spec

        spec = resolve_encoder_spec(name)
        key = json.dumps([spec.settings.to_dict(), dtype or spec.dtype], sort_keys=True)
        if key not in self._encoders:
            self._encoders[key] = self.factory(name, dtype)
        encode, info = self._encoders[key]
        return key, encode, {**info, "name": name}

    def encode(self, name: str, texts: list[str], dtype: str | None = None) -> np.ndarray:
        """The vectors of ``texts``, encoded once per encoder (and precision)."""
        key, encode, _ = self.get(name, dtype)
        texts_key = (key, tuple(texts))
        if texts_key not in self._vectors:
            self._vectors[texts_key] = encode(texts)
        return self._vectors[texts_key]


def _transformer(name: str, dtype: str | None) -> tuple[Encode, dict[str, Any]]:
    from xqg_pyserini.encoders.spec import query_encoder

    encoder = query_encoder(name, dtype)

    def encode(texts: list[str]) -> np.ndarray:
        chunks = [encoder.encode_queries(texts[i : i + 128]) for i in range(0, len(texts), 128)]
        return np.concatenate(chunks).astype(np.float32, copy=False)

    return encode, {"name": name, "settings": encoder.settings.to_dict(), "dtype": encoder.dtype}


@dataclass(frozen=True)
class PassageRow:
    """One language against one index's gold passages.

    ``infonce_n`` is the number of candidates (unique gold passages) per batch, its mean
    over batches when they differ (``infonce_n_min``, ``infonce_n_max``). ``delta`` is
    the bound minus the baseline index's, over the same questions, ``p_value`` that of
    the paired two-sided t-test of the per-question terms; both None for the baseline.
    """

    language: str
    index: str
    questions: int
    passages: int
    infonce_bound: float
    infonce_loss: float
    infonce_n: float
    infonce_n_min: int
    infonce_n_max: int
    infonce_batches: int
    p1: float
    delta: float | None = None
    p_value: float | None = None
    significant: bool | None = None


@dataclass(frozen=True)
class PassageStudy:
    """The question–passage part: the indexes (first = baseline) and one row per pair."""

    dataset_suffix: str
    indexes: dict[str, dict[str, Any]]
    rows: list[PassageRow] = field(default_factory=list)
    test: str = BASELINE_TEST
    threshold: float = 0.05

    @property
    def baseline(self) -> str:
        return next(iter(self.indexes))

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(row.language for row in self.rows))

    def row(self, language: str, index: str) -> PassageRow:
        return next(r for r in self.rows if r.language == language and r.index == index)

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {
            "dataset_suffix": self.dataset_suffix,
            "baseline": self.baseline,
            "test": f"paired two-sided {self.test} of the per-question InfoNCE terms "
            f"against the baseline, significant at p < {self.threshold:g}",
            "indexes": self.indexes,
            "languages": {
                lang: {r.index: asdict(r) for r in self.rows if r.language == lang}
                for lang in self.languages
            },
        }


def measure_passages(
    indexes: Sequence[tuple[str, Path]],
    dataset_ids: dict[str, str],
    question_ids: Sequence[str],
    texts: dict[str, list[str]],
    *,
    dataset_suffix: str = "",
    temperature: float,
    batch_size: int | None = None,
    encoders: QuestionEncoders | None = None,
    progress: bool = False,
) -> PassageStudy:
    """Measure every language (``dataset_ids``: ``{lang: dataset id}``) against every index.

    ``texts[lang][i]`` is question ``question_ids[i]``; questions without a gold passage
    in a language's qrels are left out. Everything is checked (indexes readable, every
    gold passage in every index) before any model is loaded.

    Raises
    ------
    PassageAlignmentError
        See :func:`open_index`, :func:`gold_passages` and :func:`check_corpus`; also
        fewer than 2 questions with a gold passage, or an index whose vectors are not
        of its query encoder's dimension.
    """
    from xqg_pyserini.eval.significance import compare
    from xqg_pyserini.progress import progress_bar
    from xqg_pyserini.studies.alignment_metrics import infonce_passage_bound

    sources = [open_index(name, directory) for name, directory in indexes]
    golds: dict[str, tuple[list[int], list[str]]] = {}
    for lang, dataset_id in dataset_ids.items():
        gold = gold_passages(dataset_id)
        kept = [i for i, qid in enumerate(question_ids) if qid in gold]
        if len(kept) < 2:
            raise PassageAlignmentError(
                f"{dataset_id}: the question–passage bound needs at least 2 questions with a "
                f"gold passage, got {len(kept)}"
            )
        golds[lang] = (kept, [gold[question_ids[i]] for i in kept])
        for source in sources:
            check_corpus(source, dataset_id, golds[lang][1])
    encoders = encoders or QuestionEncoders()
    rows: list[PassageRow] = []
    baseline: dict[str, dict[str, float]] = {}
    for source in progress_bar(sources, enabled=progress, desc="indexes", unit="index"):
        for lang, (kept, passage_ids) in golds.items():
            questions = encoders.encode(str(source.directory), [texts[lang][i] for i in kept])
            if questions.shape[1] != source.vectors.dimension:
                raise PassageAlignmentError(
                    f"{source.label}: vectors of dimension {source.vectors.dimension} but its "
                    f"query encoder gives {questions.shape[1]}"
                )
            result = infonce_passage_bound(
                questions,
                source.vectors.take(passage_ids),
                passage_ids,
                temperature,
                batch_size=batch_size,
            )
            scored = [question_ids[kept[i]] for i in result.scored]
            terms = dict(zip(scored, result.terms.tolist(), strict=True))
            test: dict[str, Any] = {}
            if source is sources[0]:
                baseline[lang] = terms
            else:
                outcome = compare(
                    terms,
                    baseline[lang],
                    metric="InfoNCE term",
                    system_name=source.name,
                    baseline_name=sources[0].name,
                    test=BASELINE_TEST,
                )
                test = {
                    "delta": outcome.delta,
                    "p_value": outcome.p_value,
                    "significant": outcome.significant,
                }
            rows.append(
                PassageRow(
                    language=lang,
                    index=source.name,
                    questions=len(scored),
                    passages=len(set(passage_ids)),
                    infonce_bound=result.bound,
                    infonce_loss=result.loss,
                    infonce_n=result.n,
                    infonce_n_min=result.n_min,
                    infonce_n_max=result.n_max,
                    infonce_batches=result.n_batches,
                    p1=result.p1,
                    **test,
                )
            )
    order = {lang: k for k, lang in enumerate(dataset_ids)}
    rows.sort(key=lambda r: order[r.language])  # stable: indexes stay in their order
    return PassageStudy(dataset_suffix, {s.name: s.describe() for s in sources}, rows)


def _n_cell(row: PassageRow) -> str:
    if row.infonce_n_min == row.infonce_n_max:
        return str(row.infonce_n_min)
    return f"{row.infonce_n:.1f} ({row.infonce_n_min}–{row.infonce_n_max})"


def _delta_cell(row: PassageRow, tex: bool = False) -> str:
    if row.delta is None or row.p_value is None:
        return ""
    mark = (r"$^{*}$" if tex else " *") if row.significant else ""
    return f"{row.delta:+.4f} (p={row.p_value:.3g}){mark}"


def _columns(study: PassageStudy) -> list[tuple[str, Callable[[str], str]]]:
    """(header, language -> cell) of the passage table, for markdown and LaTeX alike."""
    columns: list[tuple[str, Callable[[str], str]]] = []
    for name in study.indexes:
        columns += [
            (f"{name} bound", lambda lang, n=name: f"{study.row(lang, n).infonce_bound:.4f}"),
            (f"{name} N", lambda lang, n=name: _n_cell(study.row(lang, n))),
            (f"{name} P@1", lambda lang, n=name: f"{study.row(lang, n).p1:.4f}"),
        ]
    for name in list(study.indexes)[1:]:
        columns.append(
            (f"Δ {name} − {study.baseline}", lambda lang, n=name: _delta_cell(study.row(lang, n)))
        )
    return columns


def passages_markdown(study: PassageStudy, source: str, temperature: float) -> str:
    """The ``questions → gold passages`` section of ``report.md`` (``source``: where the
    questions come from, as Markdown, e.g. ```xquad/{lang}/distractors```)."""
    first = study.rows[0]
    out = [
        "",
        "## Questions → gold passages",
        "",
        f"Questions of {source} against the vectors of their "
        "gold English passage (qrels) read from each index; questions encoded with each "
        "index's own query encoder. Scores cos(q, p) / τ, τ = "
        f"{temperature:g}; the candidates of a batch are the unique gold passages of its "
        "questions (N of them; a passage shared by several questions is one candidate), "
        "term_i = log N − CE_i, bound = mean term (≤ log N). P@1: the own passage scores "
        "highest among the candidates.",
        "Questions per language (gold passages; batches): "
        + ", ".join(
            f"{r.language} {r.questions} ({r.passages}; {r.infonce_batches})"
            for r in study.rows
            if r.index == first.index
        )
        + ".",
        f"Δ: bound minus `{study.baseline}`'s (the baseline) over the same questions; p: paired "
        f"two-sided {study.test} of the per-question terms; * p < {study.threshold:g}.",
        "",
    ]
    for name, info in study.indexes.items():
        augmentation = info["augmentation"]
        kind = "plain" if augmentation is None else (
            f"xQG, alpha {augmentation['alpha']}, {augmentation['method']}"
        )  # fmt: skip
        out.append(
            f"- `{name}`: `{info['directory']}` ({kind}; corpus `{info['corpus']}`, encoder "
            f"`{info['encoder']}`, {info['precision']}, {info['index_type']})"
        )
    columns = _columns(study)
    out += [
        "",
        "| language | " + " | ".join(h for h, _ in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for lang in study.languages:
        out.append(f"| {lang} | " + " | ".join(cell(lang) for _, cell in columns) + " |")
    return "\n".join(out) + "\n"


def passages_latex(study: PassageStudy, tex: Callable[[str], str]) -> str:
    """The ``questions → gold passages`` tabular of ``report.tex``."""
    columns = _columns(study)
    out = [
        "",
        r"% questions -> gold passages (baseline: " + tex(study.baseline) + ")",
        rf"\begin{{tabular}}{{l{'r' * len(columns)}}}",
        r"\toprule",
        "Language & " + " & ".join(tex(h) for h, _ in columns) + r" \\",
        r"\midrule",
    ]
    for lang in study.languages:
        cells = [cell(lang).replace(" *", r"$^{*}$") for _, cell in columns]
        out.append(tex(lang) + " & " + " & ".join(tex_cell(c, tex) for c in cells) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(out) + "\n"


def tex_cell(cell: str, tex: Callable[[str], str]) -> str:
    """A cell escaped for LaTeX, keeping the significance mark's math."""
    mark = r"$^{*}$"
    if cell.endswith(mark):
        return tex(cell[: -len(mark)]) + mark
    return tex(cell)


def passages_heatmap(study: PassageStudy, path: Path) -> None:
    """``heatmap-passages.png``: languages x indexes, the InfoNCE bound."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names, languages = list(study.indexes), study.languages
    values = np.array([[study.row(lang, n).infonce_bound for n in names] for lang in languages])
    figure, axes = plt.subplots(
        figsize=(max(3.6, 2.0 + 1.2 * len(names)), 1.2 + 0.4 * len(languages)), dpi=120
    )
    axes.imshow(values, aspect="auto", cmap="viridis")
    axes.set_xticks(range(len(names)), names, rotation=30, ha="right")
    axes.set_yticks(range(len(languages)), languages)
    for (i, j), value in np.ndenumerate(values):
        axes.annotate(f"{value:.2f}", (j, i), ha="center", va="center", fontsize=7, color="w")
    axes.set_title("InfoNCE bound (nats)\nquestions → gold passages", fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)

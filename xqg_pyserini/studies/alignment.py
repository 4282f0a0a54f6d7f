"""The cross-language alignment study: parallel questions, their embeddings, the metrics, a report.

Questions come from an ir_datasets family ``{prefix}/{lang}{suffix}`` whose query ids are
shared across languages (``xquad/ar``, ``xquad/en``, ...; with the suffix
``/distractors``, ``xquad/ar/distractors``, ...). Two parts:

* questions against questions: each language is measured against a pivot (English by
  default) with :mod:`xqg_pyserini.studies.alignment_metrics`: mean parallel and
  non-parallel cosine and their gap, bitext P@1 both ways, linear CKA and the InfoNCE
  bound at a stated N;
* questions against their gold English passages (only with ``indexes``,
  :mod:`xqg_pyserini.studies.passage_alignment`): for each index (a plain one, an xQG
  one, ...) and each language, pivot included, the InfoNCE bound between the questions,
  encoded with the index's own query encoder, and their gold passages' vectors read
  from the index, the candidates of a batch being its unique gold passages; P@1 among
  them; and a paired t-test of each index's per-question terms against the first's.

:func:`write_alignment_report` writes ``report.md``, ``report.tex``, ``report.json`` and
``heatmap.png`` (languages x metrics), plus ``heatmap-passages.png`` (languages x
indexes) with the passage part, atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import DatasetError, OutputExistsError
from xqg_pyserini.studies.alignment_metrics import (
    DEFAULT_TEMPERATURE,
    AlignmentInputError,
    bitext_accuracy,
    infonce_mi_bound,
    linear_cka,
    parallel_cosine_gap,
)
from xqg_pyserini.studies.passage_alignment import PassageStudy, QuestionEncoders

__all__ = [
    "METRICS",
    "AlignmentRequest",
    "AlignmentStudy",
    "LanguageAlignment",
    "ParallelQuestions",
    "available_languages",
    "dataset_id",
    "measure_pair",
    "parallel_questions",
    "run_alignment_study",
    "write_alignment_report",
]

#: report columns: (key of LanguageAlignment, header)
METRICS = (
    ("parallel_cosine", "parallel cos"),
    ("non_parallel_cosine", "non-parallel cos"),
    ("cosine_gap", "gap"),
    ("p1_to_pivot", "P@1 →pivot"),
    ("p1_from_pivot", "P@1 pivot→"),
    ("cka", "linear CKA"),
    ("infonce_bound", "InfoNCE bound"),
)


@dataclass(frozen=True)
class AlignmentRequest:
    """What to measure: ``{dataset_prefix}/{lang}{dataset_suffix}`` for each of ``languages``.

    ``languages`` None means every registered language but the pivot; ``batch_size``
    None means one InfoNCE batch of all the questions (in both parts). ``encoder``
    encodes the questions of the question–question part; ``indexes`` (``(name,
    directory)``, the first the baseline) add the question–passage part, whose questions
    are always encoded with each index's own encoder and precision (``dtype`` applies to
    ``encoder`` only).
    """

    encoder: str
    output: Path
    dataset_prefix: str = "xquad"
    dataset_suffix: str = ""
    indexes: tuple[tuple[str, Path], ...] = ()
    passages_dataset: str | None = None
    languages: tuple[str, ...] | None = None
    pivot: str = "en"
    dtype: str | None = None
    temperature: float = DEFAULT_TEMPERATURE
    batch_size: int | None = None
    max_questions: int | None = None
    overwrite: bool = False
    progress: bool = True


@dataclass(frozen=True)
class ParallelQuestions:
    """Questions with the same ids in every language; ``texts[lang][i]`` is question ``ids[i]``."""

    ids: tuple[str, ...]
    texts: dict[str, list[str]]


@dataclass(frozen=True)
class LanguageAlignment:
    """The metrics of one language against the pivot (``infonce_n``: the bound's batch size N)."""

    language: str
    parallel_cosine: float
    non_parallel_cosine: float
    cosine_gap: float
    p1_to_pivot: float
    p1_from_pivot: float
    cka: float
    infonce_bound: float
    infonce_loss: float
    infonce_n: int
    infonce_batches: int


@dataclass(frozen=True)
class AlignmentStudy:
    """A finished study: settings, the encoder, one :class:`LanguageAlignment` per language,
    and the question–passage part (None without indexes)."""

    settings: dict[str, Any]
    encoder: dict[str, Any]
    questions: int
    rows: list[LanguageAlignment] = field(default_factory=list)
    passages: PassageStudy | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "encoder": self.encoder,
            "questions": self.questions,
            "languages": {row.language: asdict(row) for row in self.rows},
            "passages": None if self.passages is None else self.passages.to_json(),
        }


def available_languages(prefix: str, suffix: str = "") -> list[str]:
    """The ``lang`` of every registered id ``{prefix}/{lang}{suffix}`` with questions.

    ``lang`` holds no ``/``: ``xquad`` gives ``xquad/ar`` but not ``xquad/ar/distractors``,
    which the suffix ``/distractors`` gives.
    """
    import ir_datasets

    from xqg_pyserini.irds import register

    register()
    head = prefix.rstrip("/") + "/"
    return sorted(
        dataset_id[len(head) : len(dataset_id) - len(suffix)]
        for dataset_id in ir_datasets.registry
        if dataset_id.startswith(head)
        and dataset_id.endswith(suffix)
        and len(dataset_id) > len(head) + len(suffix)
        and "/" not in dataset_id[len(head) : len(dataset_id) - len(suffix)]
        and ir_datasets.registry[dataset_id].has_queries()
    )


def dataset_id(prefix: str, lang: str, suffix: str = "") -> str:
    """``{prefix}/{lang}{suffix}``."""
    return f"{prefix.rstrip('/')}/{lang}{suffix}"


def parallel_questions(
    prefix: str,
    languages: Sequence[str],
    pivot: str,
    max_questions: int | None = None,
    suffix: str = "",
) -> ParallelQuestions:
    """The questions of ``{prefix}/{lang}{suffix}`` for the pivot and each language, in the
    pivot's order.

    Raises
    ------
    DatasetError
        For a language not registered under ``prefix`` (listing the valid ones), sets of
        question ids that differ from the pivot's (saying how many), or fewer than 2 questions.
    """
    from xqg_pyserini.irds.load import load_dataset

    known = available_languages(prefix, suffix)
    family = dataset_id(prefix, "{lang}", suffix) if suffix else prefix
    for lang in (pivot, *languages):
        if lang not in known:
            raise DatasetError(
                f"no dataset {dataset_id(prefix, lang, suffix)}; languages of {family}: "
                f"{', '.join(known) or 'none'}"
            )
    texts: dict[str, dict[str, str]] = {}
    for lang in dict.fromkeys((pivot, *languages)):
        queries = load_dataset(dataset_id(prefix, lang, suffix)).queries_iter()
        texts[lang] = {q.query_id: q.text for q in queries}
    ids = list(texts[pivot])
    for lang in languages:
        differ = set(ids) ^ set(texts[lang])
        if differ:
            raise DatasetError(
                f"{dataset_id(prefix, lang, suffix)} and {dataset_id(prefix, pivot, suffix)} "
                f"are not parallel: {len(differ)} question id(s) are in one but not the other "
                f"(e.g. {sorted(differ)[0]!r})"
            )
    ids = ids[: max(max_questions, 0)] if max_questions is not None else ids
    if len(ids) < 2:
        raise DatasetError(
            f"{family}: the alignment metrics need at least 2 parallel questions, got {len(ids)}"
        )
    return ParallelQuestions(tuple(ids), {lang: [t[i] for i in ids] for lang, t in texts.items()})


def measure_pair(
    language: str,
    X: np.ndarray,
    pivot: np.ndarray,
    temperature: float = DEFAULT_TEMPERATURE,
    batch_size: int | None = None,
) -> LanguageAlignment:
    """The metrics of ``X`` (n, d) float32, one language, against its parallel rows ``pivot``."""
    gap = parallel_cosine_gap(X, pivot)
    bitext = bitext_accuracy(X, pivot)
    bound = infonce_mi_bound(X, pivot, temperature, batch_size=batch_size)
    return LanguageAlignment(
        language=language,
        parallel_cosine=gap.parallel,
        non_parallel_cosine=gap.non_parallel,
        cosine_gap=gap.gap,
        p1_to_pivot=bitext.x_to_y,
        p1_from_pivot=bitext.y_to_x,
        cka=linear_cka(X, pivot),
        infonce_bound=bound.bound,
        infonce_loss=bound.loss,
        infonce_n=bound.n,
        infonce_batches=bound.n_batches,
    )


Encode = Callable[[list[str]], np.ndarray]


def run_alignment_study(
    request: AlignmentRequest,
    encode: Encode | None = None,
    encoders: QuestionEncoders | None = None,
) -> AlignmentStudy:
    """Load the questions, encode them, measure every language against the pivot, and,
    with ``request.indexes``, every language against each index's gold passages.

    ``encode`` maps texts to float32 (n, dim) for the question–question part; by default
    the request's encoder (:class:`~xqg_pyserini.encoders.transformer.TransformerEncoder`)
    in chunks of 128, taken from ``encoders``, which also encodes the question–passage
    part with each index's encoder (an encoder shared by both parts encodes once). The
    indexes and gold passages are checked before any model is loaded. Nothing is written
    (see :func:`write_alignment_report`).

    Raises
    ------
    DatasetError, AlignmentInputError, PassageAlignmentError
        As one line (see :func:`parallel_questions` and
        :func:`~xqg_pyserini.studies.passage_alignment.measure_passages`).
    """
    if request.output.exists() and not request.overwrite:
        raise OutputExistsError(
            f"{request.output} exists; pass --overwrite to replace it or choose another --output"
        )
    if request.passages_dataset is not None:
        return _passages_only(request, encoders or QuestionEncoders())
    known = available_languages(request.dataset_prefix, request.dataset_suffix)
    languages = request.languages or tuple(lang for lang in known if lang != request.pivot)
    languages = tuple(lang for lang in languages if lang != request.pivot)
    if not languages:
        raise DatasetError(f"no language to compare with the pivot {request.pivot!r}")
    questions = parallel_questions(
        request.dataset_prefix,
        languages,
        request.pivot,
        request.max_questions,
        request.dataset_suffix,
    )
    _check_infonce(request, len(questions.ids))
    encoders = encoders or QuestionEncoders()
    passages = None
    if request.indexes:
        from xqg_pyserini.studies.passage_alignment import measure_passages

        passages = measure_passages(
            request.indexes,
            {
                lang: dataset_id(request.dataset_prefix, lang, request.dataset_suffix)
                for lang in (request.pivot, *languages)
            },
            questions.ids,
            questions.texts,
            dataset_suffix=request.dataset_suffix,
            temperature=request.temperature,
            batch_size=request.batch_size,
            encoders=encoders,
            progress=request.progress,
        )
    encoder_info: dict[str, Any] = {"name": request.encoder}
    if encode is None:
        _, _, encoder_info = encoders.get(request.encoder, request.dtype)

        def encode_cached(texts: list[str]) -> np.ndarray:
            return encoders.encode(request.encoder, texts, request.dtype)

        encode = encode_cached

    from xqg_pyserini.progress import progress_bar

    vectors = {
        lang: encode(questions.texts[lang])
        for lang in progress_bar(
            (request.pivot, *languages), enabled=request.progress, desc="encode", unit="lang"
        )
    }
    rows = [
        measure_pair(
            lang, vectors[lang], vectors[request.pivot], request.temperature, request.batch_size
        )
        for lang in languages
    ]
    settings = {
        "dataset_prefix": request.dataset_prefix,
        "dataset_suffix": request.dataset_suffix,
        "languages": list(languages),
        "pivot": request.pivot,
        "temperature": request.temperature,
        "batch_size": rows[0].infonce_n,
        "max_questions": request.max_questions,
    }
    return AlignmentStudy(settings, encoder_info, len(questions.ids), rows, passages)


def _passages_only(request: AlignmentRequest, encoders: QuestionEncoders) -> AlignmentStudy:
    """The question–passage part alone, on one dataset's questions grouped by language.

    Parallel questions are not needed, so any dataset with qrels and a ``language`` per
    question will do (``xqg-demo/dev``, ``xquad-all/distractors``).
    """
    from xqg_pyserini.irds.load import load_dataset
    from xqg_pyserini.studies.passage_alignment import PassageStudy, measure_passages

    name = request.passages_dataset
    if not request.indexes:
        raise AlignmentInputError("--passages-dataset measures indexes: give --index NAME=DIR")
    by_language: dict[str, list[tuple[str, str]]] = {}
    for query in load_dataset(name).queries_iter():
        language = getattr(query, "language", None)
        if language is None:
            raise DatasetError(f"{name}: its questions have no language field to group by")
        by_language.setdefault(language, []).append((query.query_id, query.text))
    wanted = request.languages or tuple(sorted(by_language))
    unknown = [lang for lang in wanted if lang not in by_language]
    if unknown:
        raise DatasetError(
            f"{name} has no question in {', '.join(unknown)}; its languages: "
            f"{', '.join(sorted(by_language))}"
        )
    rows, indexes = [], {}
    for lang in wanted:
        questions = by_language[lang][: request.max_questions]
        _check_infonce(request, len(questions))
        part = measure_passages(
            request.indexes,
            {lang: name},
            [qid for qid, _ in questions],
            {lang: [text for _, text in questions]},
            temperature=request.temperature,
            batch_size=request.batch_size,
            encoders=encoders,
        )
        rows += part.rows
        indexes = part.indexes
    settings = {
        "passages_dataset": name,
        "dataset_prefix": None,
        "languages": list(wanted),
        "temperature": request.temperature,
        "batch_size": request.batch_size,
        "max_questions": request.max_questions,
    }
    total = sum(min(len(by_language[lang]), request.max_questions or 10**12) for lang in wanted)
    return AlignmentStudy(settings, {}, total, [], PassageStudy("", indexes, rows))


def _check_infonce(request: AlignmentRequest, n: int) -> None:
    """The InfoNCE settings' errors before any model is loaded."""
    size = request.batch_size
    if size is not None and not 2 <= size <= n:
        raise AlignmentInputError(f"batch_size must be between 2 and n={n}, got {size}")
    if not (np.isfinite(request.temperature) and request.temperature > 0):
        raise AlignmentInputError(
            f"temperature must be a finite number > 0, got {request.temperature}"
        )


def _markdown(study: AlignmentStudy) -> str:
    s = study.settings
    if not study.rows:  # the question–passage part alone
        out = ["# Alignment of questions and their gold passages", ""]
    else:
        out = _question_table(study)
    text = "\n".join(out) + "\n"
    if study.passages is not None:
        from xqg_pyserini.studies.passage_alignment import passages_markdown

        if s.get("passages_dataset"):
            source = f"`{s['passages_dataset']}` (grouped by each question's language)"
        else:
            source = f"`{dataset_id(s['dataset_prefix'], '{lang}', s.get('dataset_suffix', ''))}`"
        text += passages_markdown(study.passages, source, s["temperature"])
    return text


def _question_table(study: AlignmentStudy) -> list[str]:
    s = study.settings
    out = [
        f"# Cross-language alignment against `{s['pivot']}`",
        "",
        f"Encoder: `{study.encoder['name']}`"
        + (f" ({study.encoder['dtype']})" if "dtype" in study.encoder else ""),
        f"Questions: {study.questions} parallel questions of "
        f"`{dataset_id(s['dataset_prefix'], '{lang}', s.get('dataset_suffix', ''))}`"
        + (f" (first {s['max_questions']})" if s["max_questions"] else ""),
        f"InfoNCE: temperature {s['temperature']:g}, N = {s['batch_size']} (bound ≤ log N = "
        f"{np.log(s['batch_size']):.3f} nats)",
        "",
        "| language | " + " | ".join(h for _, h in METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    for row in study.rows:
        cells = " | ".join(f"{getattr(row, key):.4f}" for key, _ in METRICS)
        out.append(f"| {row.language} | {cells} |")
    return out


def _tex(text: str) -> str:
    """``text`` escaped for a LaTeX table cell (arrows, Δ, minus and en dash as LaTeX)."""
    escaped = "".join("\\" + c if c in "&%$#_{}" else c for c in text)
    for char, latex in (("→", r"$\rightarrow$"), ("Δ", r"$\Delta$"), ("−", "--"), ("–", "--")):
        escaped = escaped.replace(char, latex)
    return escaped


def _latex(study: AlignmentStudy) -> str:
    tex = _tex
    if not study.rows:  # the question–passage part alone
        from xqg_pyserini.studies.passage_alignment import passages_latex

        return passages_latex(study.passages, _tex) if study.passages is not None else ""
    out = [
        rf"\begin{{tabular}}{{l{'r' * len(METRICS)}}}",
        r"\toprule",
        "Language & " + " & ".join(tex(h) for _, h in METRICS) + r" \\",
        r"\midrule",
    ]
    for row in study.rows:
        out.append(
            tex(row.language)
            + " & "
            + " & ".join(f"{getattr(row, key):.4f}" for key, _ in METRICS)
            + r" \\"
        )
    out += [r"\bottomrule", r"\end{tabular}"]
    text = "\n".join(out) + "\n"
    if study.passages is not None:
        from xqg_pyserini.studies.passage_alignment import passages_latex

        text += passages_latex(study.passages, _tex)
    return text


def _heatmap(study: AlignmentStudy, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.array([[getattr(r, key) for key, _ in METRICS] for r in study.rows])
    figure, axes = plt.subplots(
        figsize=(1.5 + 1.1 * len(METRICS), 1.2 + 0.4 * len(study.rows)), dpi=120
    )
    axes.imshow(values, aspect="auto", cmap="viridis")
    axes.set_xticks(range(len(METRICS)), [h for _, h in METRICS], rotation=30, ha="right")
    axes.set_yticks(range(len(study.rows)), [r.language for r in study.rows])
    for (i, j), value in np.ndenumerate(values):
        axes.annotate(f"{value:.2f}", (j, i), ha="center", va="center", fontsize=7, color="w")
    axes.set_title(f"Alignment against {study.settings['pivot']}", fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_alignment_report(
    study: AlignmentStudy, directory: Path, overwrite: bool = False
) -> list[Path]:
    """Write ``report.md``, ``report.tex``, ``report.json`` and ``heatmap.png`` (with the
    question–question part) into ``directory``, and ``heatmap-passages.png`` with the
    question–passage part, all or nothing.

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.report_files import json_text, write_report_files

    files = {
        "report.md": _markdown(study),
        "report.tex": _latex(study),
        "report.json": json_text(study.to_json()),
    }
    if study.rows:
        files["heatmap.png"] = lambda path: _heatmap(study, path)
    if study.passages is not None:
        from xqg_pyserini.studies.passage_alignment import passages_heatmap

        passages = study.passages
        files["heatmap-passages.png"] = lambda path: passages_heatmap(passages, path)
    return write_report_files(directory, files, overwrite=overwrite)

"""python -m xqg_pyserini.study alignment: a tiny parallel XQuAD, a tiny random BERT.

The XQuAD-format files are written into tmp_path and found through XQG_XQUAD_DIR;
IR_DATASETS_HOME is private and downloads fail, so nothing leaves the test. The
question–passage part (``--index``) runs against tiny Flat indexes of the fixture's two
paragraphs (``xquad``), built in-process by ``python -m xqg_pyserini.index``'s main.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ir_datasets
import numpy as np
import pytest

from tests.helpers import build_argv, error_lines, read_index, write_generated
from xqg_pyserini.cli.study_alignment import main
from xqg_pyserini.errors import XqgError
from xqg_pyserini.irds import register, xquad
from xqg_pyserini.studies.alignment import available_languages
from xqg_pyserini.studies.alignment_metrics import (
    bitext_accuracy,
    infonce_mi_bound,
    infonce_passage_bound,
    linear_cka,
    parallel_cosine_gap,
)
from xqg_pyserini.studies.passage_alignment import PassageAlignmentError, gold_passages
from xqg_pyserini.study import COMMANDS
from xqg_pyserini.study import main as study_main

QUESTIONS = {
    "en": ["Which team won Super Bowl 50?", "What was the final score?",
           "How many points did the Panthers give up?", "How large is the Amazon?",
           "What is the capital of Finland?"],
    "de": ["Welches Team gewann den Super Bowl 50?", "Wie war der Endstand?",
           "Wie viele Punkte gaben die Panthers ab?", "Wie groß ist der Amazonas?",
           "Was ist die Hauptstadt Finnlands?"],
    "ru": ["Какая команда выиграла Супербоул 50?", "Каков был финальный счёт?",
           "Сколько очков пропустили Пантеры?", "Насколько велика Амазонка?",
           "Какая столица Финляндии?"],
}  # fmt: skip
IDS = ["q0", "q1", "q2", "q3", "q4"]
GOLD = ["xquad-en-0-0"] * 3 + ["xquad-en-0-1"] * 2  # paragraph one holds q0-q2, two q3-q4


def squad(texts: list[str], ids: list[str]) -> dict[str, Any]:
    qas = [
        {"id": qid, "question": text, "answers": [{"answer_start": 0, "text": "x"}]}
        for qid, text in zip(ids, texts, strict=True)
    ]
    paragraphs = [{"context": "x paragraph one.", "qas": qas[:3]}]
    paragraphs.append({"context": "x paragraph two.", "qas": qas[3:]})
    return {"data": [{"title": "T", "paragraphs": paragraphs}], "version": "1.1"}


def place(directory: Path, languages: dict[str, tuple[list[str], list[str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for lang, (texts, ids) in languages.items():
        document = json.dumps(squad(texts, ids), indent=2, sort_keys=True)
        (directory / f"xquad.{lang}.json").write_text(document + "\n", "utf-8")
    return directory


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, the fixture files in XQG_XQUAD_DIR, no network."""
    monkeypatch.setenv("IR_DATASETS_HOME", str(tmp_path / "irds"))
    monkeypatch.setenv("IR_DATASETS_DL_DISABLE_PBAR", "true")

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in tests")

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", no_network)
    files = {lang: (texts, IDS) for lang, texts in QUESTIONS.items()}
    directory = place(tmp_path / "xquad", files)
    monkeypatch.setenv(xquad.ENV_VAR, str(directory))
    register()
    return directory


def encode(model: Path, texts: list[str]) -> np.ndarray:
    from xqg_pyserini.encoders.spec import resolve_encoder_spec
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    spec = resolve_encoder_spec(model)
    return TransformerEncoder(spec.settings, dtype="float32").encode_queries(texts)


def test_the_dispatcher_lists_alignment_and_forwards_to_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "alignment" in COMMANDS
    assert study_main(["--help"]) == 0
    assert "alignment" in capsys.readouterr().out
    assert study_main(["nope"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        study_main(["alignment", "--help"])
    assert exit_info.value.code == 0


def test_the_report_holds_the_metrics_of_the_same_vectors(tiny_bert: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    argv = ["--encoder", str(tiny_bert), "--languages", "de", "ru", "--output", str(out)]
    assert main([*argv, "--batch-size", "2", "--temperature", "0.1", "--no-progress"]) == 0
    names = {"report.md", "report.tex", "report.json", "heatmap.png"}
    assert {p.name for p in out.iterdir()} == names
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["questions"] == 5 and report["settings"]["batch_size"] == 2
    assert report["settings"]["pivot"] == "en" and report["encoder"]["dtype"] == "float32"
    pivot = encode(tiny_bert, QUESTIONS["en"])
    for lang in ("de", "ru"):
        X = encode(tiny_bert, QUESTIONS[lang])
        got = report["languages"][lang]
        gap, bitext = parallel_cosine_gap(X, pivot), bitext_accuracy(X, pivot)
        bound = infonce_mi_bound(X, pivot, 0.1, batch_size=2)
        assert got["parallel_cosine"] == pytest.approx(gap.parallel, rel=1e-5)
        assert got["non_parallel_cosine"] == pytest.approx(gap.non_parallel, rel=1e-5)
        assert got["cosine_gap"] == pytest.approx(gap.gap, rel=1e-4, abs=1e-6)
        assert (got["p1_to_pivot"], got["p1_from_pivot"]) == (bitext.x_to_y, bitext.y_to_x)
        assert got["cka"] == pytest.approx(linear_cka(X, pivot), rel=1e-5)
        assert got["infonce_bound"] == pytest.approx(bound.bound, rel=1e-4, abs=1e-6)
        assert (got["infonce_n"], got["infonce_batches"]) == (2, 2)
    markdown = (out / "report.md").read_text("utf-8")
    assert "| de |" in markdown and "| ru |" in markdown and str(tiny_bert) in markdown
    assert r"\begin{tabular}" in (out / "report.tex").read_text("utf-8")
    assert (out / "heatmap.png").read_bytes()[:4] == b"\x89PNG"
    # an existing output is refused without --overwrite, replaced with it
    assert main([*argv, "--no-progress"]) == 2
    assert main([*argv, "--no-progress", "--max-questions", "3", "--overwrite"]) == 0
    assert json.loads((out / "report.json").read_text("utf-8"))["questions"] == 3


def test_options_from_a_config_file(tiny_bert: Path, tmp_path: Path) -> None:
    config = tmp_path / "study.json"
    options = {"encoder": str(tiny_bert), "languages": ["de"], "max-questions": 4}
    config.write_text(json.dumps(options), "utf-8")
    assert main(["--config", str(config), "--output", str(tmp_path / "r"), "--no-progress"]) == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert list(report["languages"]) == ["de"] and report["questions"] == 4


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--languages", "xx"], "no dataset xquad/xx; languages of xquad: ar, de, el, en"),
        (["--languages", "de", "--pivot", "klingon"], "no dataset xquad/klingon"),
        (["--languages", "el"], "xquad/el and xquad/en are not parallel: 2 question id(s)"),
        (["--languages", "es"], "question id 'q9' is not in"),
        (["--languages", "de", "--max-questions", "1"], "at least 2 parallel questions, got 1"),
        (["--languages", "de", "--batch-size", "9"], "batch_size must be between 2 and n=5"),
        (["--languages", "de", "--temperature", "0"], "temperature must be a finite number > 0"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    flags: list[str],
    message: str,
    isolated: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # el lacks q3 and q4; es has q9, which English lacks (the XQuAD reader refuses it)
    place(
        isolated, {"el": (QUESTIONS["de"][:3], IDS[:3]), "es": (QUESTIONS["de"], [*IDS[:4], "q9"])}
    )
    out = tmp_path / "out"
    argv = ["--encoder", "does-not-matter", "--output", str(out), "--no-progress", *flags]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not out.exists()


# the question–passage part: --index NAME=DIR ...


def build_index(model: Path, out: Path, *extra: str) -> Path:
    """A Flat float32 index of the fixture's two XQuAD paragraphs (ir_datasets id xquad)."""
    from xqg_pyserini.index import main as index_main

    argv = build_argv(model, Path("xquad"), out, "--no-progress", *extra)
    assert index_main(argv) == 0
    return out


def build_xqg_index(model: Path, tmp_path: Path) -> Path:
    """An xQG index (alpha 0.5, mean pooling: another query encoder than the plain one's)."""
    generated = {
        "xquad-en-0-0": {"de": ["Wer gewann?", "Wie war der Stand?"], "ru": ["Кто выиграл?"]},
        "xquad-en-0-1": {"de": ["Wie groß ist er?"], "ru": ["Какая столица?"]},
    }
    queries = write_generated(tmp_path / "generated.jsonl", generated)
    return build_index(
        model, tmp_path / "xqg", "--pooling", "mean", "--generated-queries", str(queries),
        "--alpha", "0.5", "--languages", "de", "ru",
    )  # fmt: skip


def reference_bound(index: Path, lang: str, temperature: float) -> Any:
    """The bound of the index's own query encoder and its stored gold passage vectors."""
    vectors, docids = read_index(index)
    passages = vectors[[docids.index(d) for d in GOLD]]
    return infonce_passage_bound(encode(index, QUESTIONS[lang]), passages, GOLD, temperature)


def test_questions_against_the_gold_passages_of_a_plain_and_an_xqg_index(
    tiny_bert: Path, tmp_path: Path
) -> None:
    plain = build_index(tiny_bert, tmp_path / "plain")
    xqg = build_xqg_index(tiny_bert, tmp_path)
    out = tmp_path / "report"
    argv = ["--index", f"plain={plain}", f"xqg={xqg}", "--languages", "de", "ru"]
    assert main([*argv, "--output", str(out), "--temperature", "0.1", "--no-progress"]) == 0
    names = {"report.md", "report.tex", "report.json", "heatmap.png", "heatmap-passages.png"}
    assert {p.name for p in out.iterdir()} == names
    report = json.loads((out / "report.json").read_text("utf-8"))
    # without --encoder, the question-question part uses the first index's encoder
    assert report["encoder"]["name"] == str(plain) and list(report["languages"]) == ["de", "ru"]
    passages = report["passages"]
    assert passages["baseline"] == "plain" and "t-test" in passages["test"]
    assert passages["indexes"]["plain"]["augmentation"] is None
    assert passages["indexes"]["xqg"]["augmentation"]["alpha"] == 0.5
    assert list(passages["languages"]) == ["en", "de", "ru"]  # the pivot's row first
    for lang in ("en", "de", "ru"):
        rows = passages["languages"][lang]
        for name, index in (("plain", plain), ("xqg", xqg)):
            expected = reference_bound(index, lang, 0.1)
            got = rows[name]
            assert got["infonce_bound"] == pytest.approx(expected.bound, rel=1e-4, abs=1e-6)
            assert got["p1"] == pytest.approx(expected.p1)
            assert (got["questions"], got["passages"], got["infonce_n"]) == (5, 2, 2)
        assert rows["plain"]["delta"] is None and rows["plain"]["p_value"] is None
        delta = rows["xqg"]["infonce_bound"] - rows["plain"]["infonce_bound"]
        assert rows["xqg"]["delta"] == pytest.approx(delta, abs=1e-6)
        assert 0.0 <= rows["xqg"]["p_value"] <= 1.0
        assert rows["xqg"]["significant"] == (rows["xqg"]["p_value"] < 0.05)
    markdown = (out / "report.md").read_text("utf-8")
    assert "## Questions → gold passages" in markdown and "| plain bound |" in markdown
    assert "Δ xqg − plain" in markdown and "| de |" in markdown
    latex = (out / "report.tex").read_text("utf-8")
    assert latex.count(r"\begin{tabular}") == 2 and r"$\Delta$ xqg -- plain" in latex
    assert (out / "heatmap-passages.png").read_bytes()[:4] == b"\x89PNG"


def test_the_passage_part_alone_groups_one_dataset_by_language(
    tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = build_index(tiny_bert, tmp_path / "plain")
    xqg = build_xqg_index(tiny_bert, tmp_path)
    out = tmp_path / "report"
    argv = ["--passages-dataset", "xquad/de", "--index", f"plain={plain}", f"xqg={xqg}"]
    assert main([*argv, "--output", str(out), "--temperature", "0.1", "--no-progress"]) == 0
    assert {p.name for p in out.iterdir()} == {
        "report.md", "report.tex", "report.json", "heatmap-passages.png"
    }  # fmt: skip
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["languages"] == {} and report["settings"]["passages_dataset"] == "xquad/de"
    rows = report["passages"]["languages"]
    assert list(rows) == ["de"]
    for name, index in (("plain", plain), ("xqg", xqg)):
        expected = reference_bound(index, "de", 0.1)
        assert rows["de"][name]["infonce_bound"] == pytest.approx(expected.bound, rel=1e-4)
    markdown = (out / "report.md").read_text("utf-8")
    assert "`xquad/de` (grouped by each question's language)" in markdown
    assert "parallel cos" not in markdown
    # without an index, and with a language the dataset lacks: one line each
    assert main(["--passages-dataset", "xquad/de", "--output", str(tmp_path / "n")]) == 2
    assert main([*argv, "--languages", "ru", "--output", str(tmp_path / "n")]) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 2 and "--index" in lines[0] and "no question in ru" in lines[1]
    assert not (tmp_path / "n").exists()


def test_an_index_equal_to_the_baseline_gives_delta_zero(tiny_bert: Path, tmp_path: Path) -> None:
    plain = build_index(tiny_bert, tmp_path / "plain")
    out = tmp_path / "report"
    argv = ["--encoder", str(tiny_bert), "--index", f"a={plain}", f"b={plain}"]
    # the fixture's /distractors family addresses the same questions and qrels
    argv += ["--dataset-suffix", "/distractors", "--languages", "de", "--batch-size", "4"]
    assert main([*argv, "--output", str(out), "--no-progress"]) == 0
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["encoder"]["name"] == str(tiny_bert)
    assert report["settings"]["dataset_suffix"] == "/distractors"
    for lang in ("en", "de"):
        a, b = (
            report["passages"]["languages"][lang]["a"],
            report["passages"]["languages"][lang]["b"],
        )
        assert b["infonce_bound"] == a["infonce_bound"]
        assert (b["delta"], b["p_value"], b["significant"]) == (0.0, 1.0, False)
        # one batch of the first 4 questions, q0-q3: 2 unique gold passages
        assert (a["questions"], a["infonce_n"], a["infonce_batches"]) == (4, 2, 1)
    assert "xquad/{lang}/distractors" in (out / "report.md").read_text("utf-8")


def test_the_distractors_family_is_addressed_by_a_suffix() -> None:
    assert available_languages("xquad", "/distractors") == available_languages("xquad")
    assert "de" in available_languages("xquad", "/distractors")


def test_a_family_without_qrels_is_one_line() -> None:
    with pytest.raises(PassageAlignmentError, match="xquad has no qrels") as caught:
        gold_passages("xquad")
    assert isinstance(caught.value, XqgError) and "\n" not in str(caught.value)


def make_ivf(plain: Path, out: Path) -> Path:
    """A copy of ``plain`` whose FAISS index is an IVF without a direct map (no reconstruct)."""
    import shutil

    import faiss

    shutil.copytree(plain, out)
    vectors, _ = read_index(plain)
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], 1, faiss.METRIC_INNER_PRODUCT)
    index.train(vectors)
    index.add(vectors)
    faiss.write_index(index, str(out / "index"))
    return out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("corpus", "--index other="),
        ("missing", "no such index directory"),
        ("no-metadata", "no index metadata"),
        ("ivf", "its vectors cannot be reconstructed"),
        ("format", "expected NAME=DIR"),
    ],
)
def test_unusable_indexes_are_one_line_and_write_nothing(
    make: str,
    message: str,
    tiny_bert: Path,
    demo_corpus_head: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = build_index(tiny_bert, tmp_path / "plain")
    other = tmp_path / "other"
    if make == "corpus":  # 12 xqg-demo passages: no XQuAD paragraph
        from xqg_pyserini.index import main as index_main

        assert index_main(build_argv(tiny_bert, demo_corpus_head, other, "--no-progress")) == 0
        message = f"--index other={other}: 2 of the 2 gold passage(s) of xquad/en are not in"
    elif make == "no-metadata":
        other.mkdir()
    elif make == "ivf":
        make_ivf(plain, other)
    out = tmp_path / "out"
    spec = f"={other}" if make == "format" else f"other={other}"  # format: no name
    argv = ["--index", f"plain={plain}", spec, "--languages", "de", "--output", str(out)]
    capsys.readouterr()  # the index builds' output
    assert main([*argv, "--no-progress"]) == 2
    err = capsys.readouterr().err
    # one line, and nothing before it: the indexes are checked before any model loads
    assert err.strip().splitlines() == error_lines(err) and message in err
    if make == "corpus":  # the missing id, and the corpus the index was built from
        assert "(e.g. 'xquad-en-0-0')" in err and "corpus.jsonl" in err
    assert not out.exists()


def test_encoder_is_required_without_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--output", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert "--encoder" in capsys.readouterr().err

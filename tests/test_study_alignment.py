"""python -m xqg_pyserini.study alignment: a tiny parallel XQuAD, a tiny random BERT.

The XQuAD-format files are written into tmp_path and found through XQG_XQUAD_DIR;
IR_DATASETS_HOME is private and downloads fail, so nothing leaves the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ir_datasets
import numpy as np
import pytest

from xqg_pyserini.cli.study_alignment import main
from xqg_pyserini.irds import register, xquad
from xqg_pyserini.studies.alignment_metrics import (
    bitext_accuracy,
    infonce_mi_bound,
    linear_cka,
    parallel_cosine_gap,
)
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
    assert list(COMMANDS) == ["alignment"]
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

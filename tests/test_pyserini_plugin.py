"""`--encoder-class xqg` registered in Pyserini: the registration itself, without a JVM.

What is checked here: the AST patch of Pyserini's real CLI sources, the version
gate and its one line, the explicit-only encoder maps, the flags read from a
Pyserini command line, and the encoder spec. Pyserini's real CLIs running our
classes are in tests/test_pyserini_cli_xqg.py.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

from xqg_pyserini.encoders.spec import (
    SPEC_FILENAME,
    EncoderSpecError,
    encoder_kind,
    read_encoder_spec,
    resolve_encoder_spec,
)
from xqg_pyserini.plugin import registration
from xqg_pyserini.plugin.cli_flags import read_flags
from xqg_pyserini.plugin.registration import (
    ALLOW_UNTESTED_VARIABLE,
    ExplicitOnlyMap,
    RegistrationError,
    add_encoder_class_choice,
    cli_code,
    patch_encoder_class_choices,
    registration_problem,
    requests_xqg,
)


def pyserini_source(module: str) -> tuple[str, str]:
    """The source of a Pyserini module, found without importing it (no JVM)."""
    spec = importlib.util.find_spec(module.rsplit(".", 1)[0])  # the package, not __main__
    path = Path(spec.origin).parent / "__main__.py"
    return path.read_text("utf-8"), str(path)


def encoder_class_choices(code_source: str) -> list[list[str]]:
    calls = []
    for node in ast.walk(ast.parse(code_source)):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "add_argument"
            and node.args
            and getattr(node.args[0], "value", None) == "--encoder-class"
        ):
            calls += [
                [e.value for e in kw.value.elts] for kw in node.keywords if kw.arg == "choices"
            ]
    return calls


@pytest.mark.parametrize("module", registration.CLI_MODULES)
def test_real_pyserini_cli_gets_xqg_among_its_encoder_class_choices(module: str) -> None:
    source, filename = pyserini_source(module)
    (before,) = encoder_class_choices(source)
    assert "xqg" not in before and "auto" in before
    patched = patch_encoder_class_choices(ast.parse(source), filename)
    assert encoder_class_choices(ast.unparse(patched)) == [[*before, "xqg"]]
    code = add_encoder_class_choice(source, filename)
    assert code.co_filename == filename  # tracebacks still point at Pyserini's file


@pytest.mark.parametrize(
    "source",
    [
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--encoder')\n",
        "p.add_argument('--encoder-class', choices=['a'])\n"
        "p.add_argument('--encoder-class', choices=['b'])\n",
        "p.add_argument('--encoder-class', choices=CHOICES)\n",
    ],
)
def test_a_changed_pyserini_source_is_refused(source: str) -> None:
    with pytest.raises(RegistrationError, match="differs from the tested ones"):
        add_encoder_class_choice(source, "x.py")


def test_version_gate() -> None:
    assert registration_problem("1.6.0", {}) is None
    assert registration_problem("1.6.3", {}) is None
    problem = registration_problem("1.7.0", {})
    assert problem is not None and "1.7.0" in problem and "1.6.x" in problem
    assert ALLOW_UNTESTED_VARIABLE in problem and "\n" not in problem
    assert registration_problem("1.7.0", {ALLOW_UNTESTED_VARIABLE: "1"}) is None
    assert registration_problem(None, {}) is not None


def test_untested_pyserini_asking_for_xqg_gets_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(registration, "pyserini_version", lambda: "2.0.0")
    monkeypatch.delenv(ALLOW_UNTESTED_VARIABLE, raising=False)
    source, filename = pyserini_source("pyserini.search.faiss.__main__")
    # not asked for: Pyserini's module runs unchanged
    assert cli_code(source, filename, ["--encoder-class", "auto"]) is None
    with pytest.raises(SystemExit) as stop:
        cli_code(source, filename, ["--index", "i", "--encoder-class=xqg"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("xqg_pyserini: ") and err.count("\n") == 1 and "2.0.0" in err


def test_untested_pyserini_gets_no_encoder_in_its_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    module = types.SimpleNamespace(query_encoder_class_map={}, document_encoder_class_map={})
    monkeypatch.setattr(registration, "pyserini_version", lambda: "2.0.0")
    monkeypatch.delenv(ALLOW_UNTESTED_VARIABLE, raising=False)
    assert registration.register_encoder_maps(module) is False  # type: ignore[arg-type]
    assert module.query_encoder_class_map == {} and type(module.query_encoder_class_map) is dict
    monkeypatch.setattr(registration, "pyserini_version", lambda: "1.6.0")
    assert registration.register_encoder_maps(module) is True  # type: ignore[arg-type]
    registered = module.query_encoder_class_map
    assert isinstance(registered, ExplicitOnlyMap) and "xqg" in registered
    assert "xqg" not in list(registered) and "xqg" in module.document_encoder_class_map


def test_requests_xqg_reads_both_spellings() -> None:
    assert requests_xqg(["--encoder-class", "xqg"])
    assert requests_xqg(["--x", "1", "--encoder-class=xqg"])
    assert not requests_xqg(["--encoder-class", "auto", "--encoder", "xqg"])
    assert not requests_xqg(["--encoder-class"])


def test_maps_never_guess_xqg_from_a_path() -> None:
    registered = ExplicitOnlyMap({"dpr": "D", "auto": "A"})
    registered["xqg"] = "X"
    assert registered["xqg"] == "X" and list(registered) == ["dpr", "auto"]
    # Pyserini's guess: the first key that is a substring of the lower-cased --encoder
    encoder = "indexes/xqg-demo-e5-small"
    guessed = next((key for key in registered if key in encoder.lower()), None)
    assert guessed is None  # so Pyserini falls back to its auto class, as before


def test_flags_of_the_search_cli_record_what_was_given() -> None:
    flags = read_flags("search", ["--index", "i", "--encoder", "e", "--max-length", "16"])
    assert flags.given == {"max_length"} and flags.max_length == 16 and flags.pooling == "cls"
    flags = read_flags("search", ["--pooling", "mean", "--l2-norm", "--query-prefix", "query:"])
    assert flags.given == {"pooling", "l2_norm", "prefix"}
    assert (flags.pooling, flags.l2_norm, flags.prefix, flags.max_length) == (
        "mean", True, "query:", 256
    )  # fmt: skip
    assert read_flags(None, ["--pooling", "mean"]).given == frozenset()


def test_flags_of_the_encode_cli_are_read_per_sub_command() -> None:
    argv = ["input", "--corpus", "c", "--fields", "title", "text", "generated_queries",
            "output", "--embeddings", "e", "--to-faiss",
            "encoder", "--encoder", "x", "--encoder-class", "xqg", "--fields", "title", "text",
            "--dimension", "32", "--prefix", "passage:"]  # fmt: skip
    flags = read_flags("encode", argv)
    assert flags.input_fields == ("title", "text", "generated_queries")
    assert flags.encoder_fields == ("title", "text")
    assert flags.to_faiss and flags.dimension == 32 and flags.prefix == "passage:"
    assert read_flags("encode", ["encoder", "--encoder", "x"]).dimension == 768


# ------------------------------------------------------------------------ encoder spec


def write_spec(path: Path, record: object) -> Path:
    path.write_text(json.dumps(record), "utf-8")
    return path


def test_spec_reads_encoder_and_augmentation(tiny_bert: Path, tmp_path: Path) -> None:
    spec = read_encoder_spec(
        write_spec(
            tmp_path / "s.json",
            {"encoder": str(tiny_bert), "pooling": "mean", "l2_norm": True,
             "passage_max_length": 64, "alpha": 0.1, "augment": "mean",
             "languages": ["ja", "te"], "queries_per_language": 2},
        )
    )  # fmt: skip
    assert spec.source == "spec" and spec.fixed
    assert (spec.settings.model, spec.settings.pooling, spec.settings.l2_norm) == (
        str(tiny_bert), "mean", True
    )  # fmt: skip
    assert spec.settings.passage_max_length == 64 and spec.settings.query_max_length == 32
    assert (spec.augment.alpha, spec.augment.method, spec.augment.languages) == (
        0.1, "mean", ("ja", "te")
    )  # fmt: skip
    assert spec.augment.queries_per_language == 2
    defaults = read_encoder_spec(write_spec(tmp_path / "d.json", {"encoder": str(tiny_bert)}))
    assert defaults.augment.alpha == 0.01 and defaults.augment.method == "sum"
    assert len(defaults.augment.languages) == 7 and defaults.augment.queries_per_language is None


def test_spec_directory_and_kinds(tiny_bert: Path, tmp_path: Path) -> None:
    directory = tmp_path / "enc"
    directory.mkdir()
    write_spec(directory / SPEC_FILENAME, {"encoder": str(tiny_bert)})
    assert encoder_kind(directory) == "spec"
    assert resolve_encoder_spec(directory).augment is not None
    assert encoder_kind(tiny_bert) == "model" and encoder_kind("multilingual-e5-small") == "preset"
    assert encoder_kind("some-org/some-model") == "model"  # a hub name, for the loader
    model = resolve_encoder_spec(tiny_bert, pooling="mean", query_max_length=8)
    assert model.augment is None and not model.fixed
    assert (model.settings.pooling, model.settings.query_max_length) == ("mean", 8)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"encoder": "m", "alfa": 0.1}, "unknown key(s) 'alfa'"),
        ({"encoder": "m", "alpha": 1.5}, "alpha must be in [0, 1], got 1.5"),
        ({"encoder": "m", "alpha": -0.1}, "alpha must be in [0, 1]"),
        ({"encoder": "m", "alpha": True}, "'alpha' must be a number in [0, 1], got true"),
        ({"encoder": "m", "pooling": "max"}, "pooling must be one of cls, mean"),
        ({"encoder": "m", "augment": "max"}, "augmentation method must be one of sum, mean"),
        ({"encoder": "m", "queries_per_language": 0}, "queries per language must be at least 1"),
        ({"encoder": "m", "languages": "ja"}, "'languages' must be a list of language codes"),
        ({"encoder": "m", "query_max_length": 3.5}, "'query_max_length' must be a positive"),
        ({"alpha": 0.1}, "the key 'encoder'"),
        (["encoder"], "expected a JSON object"),
    ],
)
def test_bad_spec_is_one_line_naming_the_file(
    record: object, expected: str, tmp_path: Path
) -> None:
    path = write_spec(tmp_path / "bad.json", record)
    with pytest.raises(EncoderSpecError) as error:
        read_encoder_spec(path)
    message = str(error.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_encoder_that_is_nothing_we_know_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    for name in (tmp_path, tmp_path / "notes.txt", tmp_path / "missing", "./missing-dir"):
        with pytest.raises(EncoderSpecError) as error:
            resolve_encoder_spec(name)
        assert "\n" not in str(error.value) and str(name) in str(error.value)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(EncoderSpecError, match="not a readable JSON encoder spec"):
        resolve_encoder_spec(tmp_path / "broken.json")

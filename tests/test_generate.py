"""`python -m xqg_pyserini.generate`: format, counts, determinism, resumption, errors, shards."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from xqg_pyserini.data.corpus import Passage, read_jsonl_corpus
from xqg_pyserini.data.generated import read_generated_queries
from xqg_pyserini.generate import main
from xqg_pyserini.generation import (
    DEFAULT_TEMPLATE,
    GenerationSettings,
    PromptTemplate,
    PromptTemplateError,
    QuestionGenerator,
    SeededTopKSampler,
    Shard,
    UnknownLanguageError,
    derive_seed,
    gumbel_noise,
    run_generation,
    settings_path,
)

ROOT = Path(__file__).resolve().parents[1]
ALL_LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
PASSAGES = [
    ("d1", "Mount Fuji", "Mount Fuji is the highest mountain in Japan, 3,776 metres tall."),
    ("d2", "Helsinki", "Helsinki is the capital of Finland."),
    ("d3", "", "A passage without a title about the history of the city and its river."),
    ("d4", "Kyoto", "Kyoto was the capital of Japan for more than one thousand years."),
    ("d5", "Moscow", "Moscow is the capital of Russia. Who wrote War and Peace?"),
    ("d6", "Telugu", "Hyderabad is the capital of Telangana; Telugu cinema began there."),
    ("d7", "Cairo", "Cairo is the capital of Egypt. The Nile is the longest river."),
]
SUMMARY = re.compile(
    r"generated ([\d,]+) questions for ([\d,]+) passages in [\d.]+ s \([\d,.]+ questions/s\)"
)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"docid": i, "title": t, "text": x}) for i, t, x in PASSAGES]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def args(model: Path, corpus: Path, output: Path, *extra: str) -> list[str]:
    """Small settings that keep a run under a second, on the hf engine (the reference;
    tests/test_generate_ct2.py covers the ct2 engine and the engine choice)."""
    base = ["--model", str(model), "--corpus", str(corpus), "--output", str(output)]
    return base + ["--engine", "hf", "--languages", "ja", "ko", "--max-length", "12", *extra]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.replace("\r", "\n").splitlines() if line.startswith("error:")]


# ---------------------------------------------------------------------------- output


def test_output_format_counts_and_summary(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "generated.jsonl"
    argv = ["--model", str(tiny_mt5), "--corpus", str(corpus), "--output", str(output)]
    assert main([*argv, "--engine", "hf", "--max-length", "16", "--batch-size", "3"]) == 0
    records = list(read_generated_queries(output))
    assert [r.doc_id for r in records] == [p[0] for p in PASSAGES]
    assert [r.text for r in records] == [p[2] for p in PASSAGES]
    written = 0
    for record in records:
        assert tuple(record.queries) == ALL_LANGS  # every language, in the order asked
        for questions in record.queries.values():
            assert len(questions) <= 5
            assert all(q and q == q.strip() for q in questions)
            written += len(questions)
    assert written > 0
    out = capsys.readouterr().out
    match = SUMMARY.search(out)
    assert match, out
    assert int(match.group(1).replace(",", "")) == written
    assert int(match.group(2)) == len(PASSAGES)
    dropped = re.search(r"left out ([\d,]+) empty", out)
    # every sampled question is either written or counted as empty
    assert written + (int(dropped.group(1)) if dropped else 0) == len(PASSAGES) * 7 * 5
    assert json.loads(settings_path(output).read_text("utf-8"))["generation"]["seed"] == 0


def test_generator_keeps_empty_out_and_counts_samples(tiny_mt5: Path) -> None:
    settings = GenerationSettings(str(tiny_mt5), languages=("fi",), queries_per_language=7)
    generator = QuestionGenerator(settings)
    records = generator.generate([Passage(*p) for p in PASSAGES[:4]])
    kept = sum(len(r.queries["fi"]) for r in records)
    assert kept + generator.empty_dropped == 4 * 7


# ---------------------------------------------------------------------------- determinism


def test_same_seed_same_file_for_any_batch_size(
    tiny_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    files = []
    for batch_size in (1, 3, 7):
        output = tmp_path / f"b{batch_size}.jsonl"
        assert main(args(tiny_mt5, corpus, output, "--batch-size", str(batch_size))) == 0
        files.append(output.read_bytes())
    assert files[0] == files[1] == files[2]
    other = tmp_path / "seed1.jsonl"
    assert main(args(tiny_mt5, corpus, other, "--seed", "1")) == 0
    assert other.read_bytes() != files[0]
    again = tmp_path / "again.jsonl"
    assert main(args(tiny_mt5, corpus, again, "--seed", "1", "--batch-size", "2")) == 0
    assert again.read_bytes() == other.read_bytes()


def test_derive_seed_is_a_stable_function_of_its_inputs() -> None:
    seeds = {derive_seed(s, d, lang) for s in (0, 1) for d in ("1", "2") for lang in ("ja", "ko")}
    assert len(seeds) == 8
    assert all(0 <= seed < 2**63 for seed in seeds)
    # a separator keeps ("1", "2x") and ("12", "x") apart
    assert derive_seed(1, "2", "ja") != derive_seed(12, "", "ja")
    assert derive_seed(0, "1", "ja") == derive_seed(0, "1", "ja")


def test_sampler_draws_from_the_top_k_softmax() -> None:
    """Gumbel-max over the k best logits: frequencies match softmax(top k), others never."""
    logits = torch.tensor([[0.5, 2.0, -1.0, 1.0, 1.5, -3.0, 0.0, 1.9]])
    k, rows = 3, 20000
    noise = gumbel_noise(list(range(rows)), 1, 1, k)
    sampler = SeededTopKSampler(noise)
    out = sampler(torch.zeros((rows, 1), dtype=torch.long), logits.expand(rows, -1).clone())
    assert torch.all(torch.isfinite(out).sum(dim=1) == 1)
    chosen = out.argmax(dim=1)
    counts = torch.bincount(chosen, minlength=logits.shape[1]).double() / rows
    top = torch.tensor([1, 7, 4])  # logits 2.0, 1.9, 1.5
    expected = torch.softmax(logits[0, top].double(), dim=0)
    assert counts[top].sum().item() == 1.0
    for token, p in zip(top.tolist(), expected.tolist(), strict=True):
        sd = math.sqrt(p * (1 - p) / rows)
        assert abs(counts[token].item() - p) < 5 * sd, (token, counts[token].item(), p)


# ---------------------------------------------------------------------------- encoder reuse


def test_encoder_runs_once_per_passage_and_language(tiny_mt5: Path, tmp_path: Path) -> None:
    settings = GenerationSettings(str(tiny_mt5), languages=("ar", "ja", "te"), max_length=8)
    generator = QuestionGenerator(settings)
    encoder_rows: list[int] = []
    decoder_rows: list[int] = []
    model = generator.model
    model.get_encoder().register_forward_hook(
        lambda module, inputs, kwargs, output: encoder_rows.append(kwargs["input_ids"].shape[0]),
        with_kwargs=True,
    )
    model.get_decoder().register_forward_hook(
        lambda module, inputs, kwargs, output: decoder_rows.append(
            kwargs["encoder_hidden_states"].shape[0]
        ),
        with_kwargs=True,
    )
    passages = [Passage(*p) for p in PASSAGES[:5]]
    summary = run_generation(
        generator, passages, tmp_path / "out.jsonl", batch_size=2, progress=False
    )
    assert summary.passages == 5
    # batches of 2, 2 and 1 passages: one encoder call each, one row per (passage, language)
    assert encoder_rows == [2 * 3, 2 * 3, 1 * 3]
    # every decoder step sees each prompt's encoder states repeated for the 5 samples
    assert set(decoder_rows) == {2 * 3 * 5, 1 * 3 * 5}


# ---------------------------------------------------------------------------- resumption

SLOW_MAIN = """
import sys, time
from xqg_pyserini.generation.generator import QuestionGenerator
from xqg_pyserini.generate import main

generate = QuestionGenerator.generate

def slow(self, passages):
    time.sleep(0.3)  # room for the test to kill the process between two batches
    return generate(self, passages)

QuestionGenerator.generate = slow
sys.exit(main(sys.argv[1:]))
"""


def complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_resume_after_sigkill_equals_uninterrupted_run(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.jsonl"
    assert main(args(tiny_mt5, corpus, reference, "--seed", "7", "--batch-size", "3")) == 0
    output = tmp_path / "killed.jsonl"
    script = tmp_path / "slow_main.py"
    script.write_text(textwrap.dedent(SLOW_MAIN), "utf-8")
    command = [sys.executable, str(script), *args(tiny_mt5, corpus, output, "--seed", "7")]
    process = subprocess.Popen(
        [*command, "--batch-size", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while complete_lines(output) < 3 and process.poll() is None:
            assert time.monotonic() < deadline, "the generator wrote nothing in 60 s"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    done = complete_lines(output)
    assert process.returncode == -signal.SIGKILL
    assert 3 <= done < len(PASSAGES)
    with output.open("ab") as handle:  # as if killed in the middle of a write
        handle.write(b'{"docid": "d9", "text": "half a li')
    capsys.readouterr()
    assert main(args(tiny_mt5, corpus, output, "--seed", "7", "--batch-size", "2")) == 0
    assert f"skipped {done} passages already in the output" in capsys.readouterr().out
    assert output.read_bytes() == reference.read_bytes()
    # a finished output is left as it is
    assert main(args(tiny_mt5, corpus, output, "--seed", "7")) == 0
    assert "generated 0 questions for 0 passages" in capsys.readouterr().out
    assert output.read_bytes() == reference.read_bytes()


def test_resuming_with_other_settings_is_refused(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.jsonl"
    assert main(args(tiny_mt5, corpus, output)) == 0
    first = output.read_bytes()
    capsys.readouterr()
    assert main(args(tiny_mt5, corpus, output, "--seed", "3")) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert "other settings (generation.seed: 0 -> 3)" in line and "--overwrite" in line
    assert output.read_bytes() == first
    assert main(args(tiny_mt5, corpus, output, "--seed", "3", "--overwrite")) == 0
    fresh = tmp_path / "fresh.jsonl"
    assert main(args(tiny_mt5, corpus, fresh, "--seed", "3")) == 0
    assert output.read_bytes() == fresh.read_bytes()
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text('{"docid": "x", "text": "", "generated_queries": {}}\n', "utf-8")
    capsys.readouterr()
    assert main(args(tiny_mt5, corpus, foreign)) == 2
    assert "has no settings record" in error_lines(capsys.readouterr().err)[0]


# ---------------------------------------------------------------------------- shards


def test_shards_cover_every_passage_exactly_once(
    tiny_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.jsonl"
    assert main(args(tiny_mt5, corpus, whole)) == 0
    expected = {r.doc_id: r for r in read_generated_queries(whole)}
    shard_files = []
    for shard_id in range(3):
        output = tmp_path / "shards" / f"generated-{shard_id}.jsonl"
        extra = ("--shard-id", str(shard_id), "--shard-num", "3", "--batch-size", "2")
        assert main(args(tiny_mt5, corpus, output, *extra)) == 0
        ids = [r.doc_id for r in read_generated_queries(output)]
        assert ids == [p[0] for p in PASSAGES[shard_id::3]]  # round-robin, corpus order
        shard_files.append(output)
    # the directory reads as one collection (settings records are hidden) with no repeats
    records = list(read_generated_queries(tmp_path / "shards"))
    assert sorted(r.doc_id for r in records) == sorted(expected)
    # and each passage's questions do not depend on the shard it was generated in
    assert {r.doc_id: r for r in records} == expected


def test_shard_sizes() -> None:
    assert [Shard(i, 3).size(7) for i in range(3)] == [3, 2, 2]
    assert Shard(2, 3).size(1) == 0
    assert list(Shard(1, 2).select([Passage(str(i), "", "") for i in range(5)])) == [
        Passage("1", "", ""),
        Passage("3", "", ""),
    ]


# ---------------------------------------------------------------------------- prompts


def test_prompt_template_uses_english_language_names() -> None:
    passage = Passage("1", "Kyoto", "Kyoto was the capital.")
    assert PromptTemplate().template == DEFAULT_TEMPLATE
    assert (
        PromptTemplate().format("ja", passage)
        == "Generate a Japanese question for this passage: Kyoto Kyoto was the capital."
    )
    custom = PromptTemplate("{code}|{language}|{{literal}}|{text}")
    assert custom.format("te", passage) == "te|Telugu|{literal}|Kyoto was the capital."


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Generate a {Language} question: {text}", "unknown placeholder {Language}"),
        ("Generate a {} question: {text}", "a positional {}"),
        ("Generate a {language} question: {passage}", "unknown placeholder {passage}"),
        ("Generate a {language} question", "must contain {text}"),
        ("Generate a {language question: {text}", "unmatched '{'"),
        ("Generate a {language} question: {text", "expected '}'"),
        ("{text.upper}", "unknown placeholder {text.upper}"),
    ],
)
def test_bad_templates_are_refused(template: str, message: str) -> None:
    with pytest.raises(PromptTemplateError, match=re.escape(message)):
        PromptTemplate(template)


def test_unknown_language_lists_valid_codes() -> None:
    with pytest.raises(UnknownLanguageError, match=r"'en'.*valid codes: ar \(Arabic\)"):
        GenerationSettings("model", languages=("ja", "en"))


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--languages", "ja", "xx"], "unknown language code(s) 'xx'; valid codes: ar (Arabic)"),
        (["--prompt-template", "Ask in {lang}: {text}"], "unknown placeholder {lang}"),
        (["--model", "MISSING"], "model directory not found"),
        (["--shard-id", "3", "--shard-num", "3"], "--shard-id must be in 0..2"),
        (["--top-k", "0"], "--top-k must be a positive integer"),
        (["--fp16"], "--fp16 needs a GPU"),
        (["--corpus", "no-such-dataset/at-all"], "no-such-dataset/at-all"),
        (["--device", "cuda:0"], "cannot put"),
    ],
)
def test_bad_input_gives_one_error_line_and_writes_nothing(
    tiny_mt5: Path,
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    if extra[:1] == ["--device"] and torch.cuda.is_available():
        pytest.skip("a CUDA device is available here")
    output = tmp_path / "out" / "generated.jsonl"
    extra = [str(tmp_path / "no-model") if e == "MISSING" else e for e in extra]
    assert main(args(tiny_mt5, corpus, output) + extra) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert message in line
    assert not output.parent.exists()


def test_a_model_that_is_not_seq2seq_is_refused(
    tiny_bert: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args(tiny_bert, corpus, tmp_path / "out.jsonl")) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert line.startswith("error: cannot load a sequence-to-sequence model from")
    assert not (tmp_path / "out.jsonl").exists()


def test_config_file_supplies_options(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "generate.json"
    output = tmp_path / "out.jsonl"
    options = {
        "model": str(tiny_mt5),
        "corpus": str(corpus),
        "output": str(output),
        "languages": ["ko"],
        "queries-per-language": 2,
        "max-length": 8,
        "engine": "hf",
    }
    config.write_text(json.dumps(options), "utf-8")
    assert main(["--config", str(config), "--seed", "5"]) == 0
    records = list(read_generated_queries(output))
    assert len(records) == len(list(read_jsonl_corpus(corpus)))
    assert all(set(r.queries) == {"ko"} and len(r.queries["ko"]) <= 2 for r in records)
    assert json.loads(settings_path(output).read_text("utf-8"))["generation"]["seed"] == 5
    config.write_text(json.dumps({**options, "beam-size": 4}), "utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(config)])
    assert exc.value.code == 2
    assert "unknown option(s) beam_size" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--output", str(output)])
    assert "required: --model" in capsys.readouterr().err


def test_help_is_fast_and_imports_no_torch() -> None:
    code = "import sys, xqg_pyserini.generate; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_more_questions_extend_fewer_and_languages_are_independent(
    tiny_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    runs = {}
    for name, extra in {
        "five": ("--queries-per-language", "5"),
        "eight": ("--queries-per-language", "8"),
        "ko only": ("--languages", "ko"),
    }.items():
        output = tmp_path / f"{name.replace(' ', '-')}.jsonl"
        assert main(args(tiny_mt5, corpus, output, *extra)) == 0
        runs[name] = {r.doc_id: r.queries for r in read_generated_queries(output)}
    for doc_id, queries in runs["five"].items():
        for lang, questions in queries.items():
            assert runs["eight"][doc_id][lang][: len(questions)] == questions
        assert runs["ko only"][doc_id] == {"ko": queries["ko"]}


def test_every_flag_has_a_row_in_the_docs_usage_table() -> None:
    from xqg_pyserini.generate import build_parser

    rows = [
        line
        for line in (ROOT / "docs" / "generation.md").read_text("utf-8").splitlines()
        if line.startswith("| `--")
    ]
    flags = [s for a in build_parser()._actions for s in a.option_strings if s.startswith("--")]
    missing = [f for f in flags if f != "--help" and not any(f"`{f}" in row for row in rows)]
    assert not missing

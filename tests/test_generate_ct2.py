"""The ct2 engine of `python -m xqg_pyserini.generate`: format, parity with hf, sampling
distribution, the conversion cache, resumption, and the engine choice.

Models are the tiny random mT5 of conftest.py and, where greedy outputs must vary in
length, a copy trained here for a few seconds (:func:`train_lengths`). Conversions go
to a temporary cache (``XQG_PYSERINI_CACHE``), never to the user's.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.helpers import error_lines, flip_middle_byte, truncate_half
from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.generated import read_generated_queries
from xqg_pyserini.generate import main
from xqg_pyserini.generation import (
    Ct2Options,
    Ct2QuestionGenerator,
    GenerationSettings,
    PromptTemplate,
    QuestionGenerator,
    ct2_convert,
    gumbel_noise,
    run_generation,
    settings_path,
)
from xqg_pyserini.generation.ct2_convert import ct2_model_dir, resolve_source
from xqg_pyserini.models.random_init import build_random_model

ctranslate2 = pytest.importorskip("ctranslate2")
ROOT = Path(__file__).resolve().parents[1]

PASSAGES = [
    ("d1", "Mount Fuji", "Mount Fuji is the highest mountain in Japan, 3,776 metres tall."),
    ("d2", "Helsinki", "Helsinki is the capital of Finland."),
    ("d3", "", "A passage without a title about the history of the city and its river."),
    ("d4", "Kyoto", "Kyoto was the capital of Japan for more than one thousand years."),
    ("d5", "Moscow", "Moscow is the capital of Russia. Who wrote War and Peace?"),
    ("d6", "Telugu", "Hyderabad is the capital of Telangana; Telugu cinema began there."),
    ("d7", "Cairo", "Cairo is the capital of Egypt. The Nile is the longest river."),
]
# What train_lengths teaches: an empty question (the end token at once), short ones,
# and one longer than MAX_LENGTH tokens (cut by the length limit).
TARGETS = {
    "te": "",
    "ja": "富士山は?",
    "fi": "Kuka sävelsi Finlandian?",
    "ko": "한글은 세종대왕이 만든 한국의 문자입니다. 서울은 어디에 있나요?",
}
MAX_LENGTH = 10


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One conversion cache for the module's tests that do not damage it."""
    return tmp_path_factory.mktemp("xqg-cache")


@pytest.fixture(autouse=True)
def isolated_cache(ct2_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XQG_PYSERINI_CACHE", str(ct2_cache))
    return ct2_cache


@pytest.fixture(scope="session")
def trained_mt5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_lengths(tmp_path_factory.mktemp("models") / "mt5-trained")


def train_lengths(directory: Path, steps: int = 150) -> Path:
    """A tiny mT5 trained for a few seconds to answer each language with TARGETS[lang].

    A random mT5 almost always ends at once under greedy decoding (every question
    empty); after training, greedy decoding gives empty questions (te), short
    ones (ja, fi) and ones cut at MAX_LENGTH (ko), so parity covers the end token,
    the decoder start token and the length limit.
    """
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    build_random_model("mt5", directory, seed=3)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSeq2SeqLM.from_pretrained(directory)
    template = PromptTemplate()
    pairs = [
        (template.format(lang, Passage(*p)), t) for p in PASSAGES for lang, t in TARGETS.items()
    ]
    inputs = tokenizer([x for x, _ in pairs], padding=True, return_tensors="pt")
    labels = tokenizer([y for _, y in pairs], padding=True, return_tensors="pt")["input_ids"]
    labels[labels == tokenizer.pad_token_id] = -100
    torch.manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.eval()  # no dropout: the same weights on every machine
    for _ in range(steps):
        loss = model(**inputs, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.save_pretrained(directory)
    return directory


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"docid": i, "title": t, "text": x}) for i, t, x in PASSAGES]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def args(model: Path, corpus: Path, output: Path, *extra: str) -> list[str]:
    base = ["--model", str(model), "--corpus", str(corpus), "--output", str(output)]
    return base + ["--languages", "ja", "ko", "--max-length", "12", "--no-progress", *extra]


def ct2(model: Path, corpus: Path, output: Path, *extra: str) -> list[str]:
    """The ct2 engine on 1 thread, int8 unless told: runs take well under a second."""
    return args(model, corpus, output, "--engine", "ct2", "--ct2-threads", "1", *extra)


def engine_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("engine:")]


# ---------------------------------------------------------------------------- format


@pytest.mark.parametrize("engine", ["ct2", "hf"])
def test_both_engines_write_the_published_format(
    engine: str, tiny_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    output = tmp_path / f"{engine}.jsonl"
    extra = ["--engine", engine, "--batch-size", "3", "--languages", "ar", "ja", "te"]
    extra += ["--ct2-threads", "1"] if engine == "ct2" else []
    assert main(args(tiny_mt5, corpus, output, *extra)) == 0
    lines = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    assert [list(line) for line in lines] == [["docid", "text", "generated_queries"]] * 7
    records = list(read_generated_queries(output))
    assert [(r.doc_id, r.text) for r in records] == [(p[0], p[2]) for p in PASSAGES]
    written = 0
    for record in records:
        assert tuple(record.queries) == ("ar", "ja", "te")
        for questions in record.queries.values():
            assert len(questions) <= 5
            assert all(q and q == q.strip() for q in questions)
            written += len(questions)
    assert written > 0
    engine_record = json.loads(settings_path(output).read_text("utf-8"))["engine"]
    assert engine_record["name"] == engine
    if engine == "ct2":
        assert engine_record == {
            "name": "ct2",
            "ctranslate2": ctranslate2.__version__,
            "compute_type": "int8",
            "threads": 1,
            "device": "cpu",
            "reseed": "batch",
            "batch_size": 3,
        }


# ---------------------------------------------------------------------------- parity


@pytest.mark.slow  # trains the model for about 10 s
def test_greedy_decoding_writes_the_same_questions_on_both_engines(
    trained_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    languages = tuple(TARGETS)
    settings = GenerationSettings(
        str(trained_mt5), languages=languages, top_k=1, max_length=MAX_LENGTH, seed=4
    )
    engine = Ct2QuestionGenerator(settings, options=Ct2Options("float32", threads=1))
    prompts = [settings.template.format(lang, Passage(*p)) for p in PASSAGES for lang in languages]
    lengths = {len(draws[0]) for draws in engine.sample(prompts, "d1")}
    # the model is a good test case: it ends at once, ends early, and runs to the limit
    assert 0 in lengths and MAX_LENGTH in lengths and lengths - {0, MAX_LENGTH}
    files = {}
    for name in ("hf", "ct2"):
        output = tmp_path / f"{name}.jsonl"
        extra = ["--engine", name, "--top-k", "1", "--max-length", str(MAX_LENGTH), "--seed", "4"]
        extra += ["--languages", *languages, "--queries-per-language", "3"]
        if name == "ct2":
            extra += ["--ct2-compute-type", "float32", "--ct2-threads", "1"]
        assert main(args(trained_mt5, corpus, output, *extra)) == 0
        files[name] = output.read_bytes()
    assert files["ct2"] == files["hf"]
    records = list(read_generated_queries(tmp_path / "ct2.jsonl"))
    assert all(r.queries["te"] == () and len(set(r.queries["ja"])) == 1 for r in records)


def untie(source: Path, directory: Path) -> Path:
    """A copy of ``source`` laid out like the released mT5 checkpoints: an ``lm_head`` of
    its own (unlike the input embeddings) and ``"tie_word_embeddings": false``."""
    from safetensors.torch import load_file, save_file

    shutil.copytree(source, directory)
    weights = load_file(directory / "model.safetensors")
    generator = torch.Generator().manual_seed(5)
    weights["lm_head.weight"] = torch.randn(weights["shared.weight"].shape, generator=generator)
    save_file(weights, str(directory / "model.safetensors"), metadata={"format": "pt"})
    config = json.loads((directory / "config.json").read_text("utf-8"))
    config["tie_word_embeddings"] = False
    (directory / "config.json").write_text(json.dumps(config), "utf-8")
    return directory


@pytest.mark.parametrize("layout", ["tied", "untied"])
def test_the_float32_conversion_computes_the_models_own_logits(
    layout: str, tiny_mt5: Path, tmp_path: Path
) -> None:
    """First-step logits of CTranslate2 and transformers agree (1e-4), whichever way the
    checkpoint stores its output layer: the output scale is measured, not guessed from
    ``tie_word_embeddings``, which transformers 5 forces to true for every mT5."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    model_dir = tiny_mt5 if layout == "tied" else untie(tiny_mt5, tmp_path / "untied")
    translator = ctranslate2.Translator(
        str(ct2_model_dir(resolve_source(str(model_dir)), "float32", tmp_path)), intra_threads=1
    )
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    prompts = [PromptTemplate().format(lang, Passage(*PASSAGES[1])) for lang in ("ja", "te")]
    inputs = tokenizer(prompts, return_tensors="pt", padding=True)
    start = torch.full((2, 1), model.config.decoder_start_token_id)
    with torch.inference_mode():
        expected = model(**inputs, decoder_input_ids=start).logits[:, -1].numpy()
    sources = [tokenizer.convert_ids_to_tokens(tokenizer(p)["input_ids"]) for p in prompts]
    results = translator.translate_batch(
        sources, beam_size=1, max_decoding_length=1, min_decoding_length=0,
        return_logits_vocab=True, max_input_length=0,
    )  # fmt: skip
    found = np.stack([np.asarray(r.logits[0][0]) for r in results])
    assert np.abs(found - expected).max() < 1e-4 * max(1.0, float(np.abs(expected).max()))


def _top_k_probabilities(model_dir: Path, prompt: str, k: int) -> tuple[list[int], np.ndarray]:
    """The model's own first-token distribution: softmax over its k highest logits."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    inputs = tokenizer([prompt], return_tensors="pt")
    start = torch.tensor([[model.config.decoder_start_token_id]])
    with torch.inference_mode():
        logits = model(**inputs, decoder_input_ids=start).logits[0, -1].double()
    values, tokens = logits.topk(k)
    return tokens.tolist(), torch.softmax(values, dim=0).numpy()


def _chi_square_p(counts: np.ndarray, probabilities: np.ndarray) -> float:
    """p-value of Pearson's goodness-of-fit test (scipy: ranx, a dependency, requires it)."""
    from scipy.stats import chisquare

    expected = probabilities * counts.sum()
    assert expected.min() >= 5, "too few draws for the chi-square approximation"
    return float(chisquare(counts, expected).pvalue)


@pytest.mark.slow  # 40,000 draws, about 5 s
def test_both_engines_sample_the_first_token_from_the_top_k_softmax(tiny_mt5: Path) -> None:
    """20,000 first tokens per engine against the model's softmax over its 10 best logits.

    Pearson's chi-square at alpha = 0.001 (9 degrees of freedom): a sampler that
    ignored top-k, used another temperature or drew from the full vocabulary fails
    (tokens outside the top k are also checked to never appear).
    """
    draws, k, alpha = 20000, 10, 0.001
    prompt = PromptTemplate().format("ja", Passage(*PASSAGES[3]))
    tokens, probabilities = _top_k_probabilities(tiny_mt5, prompt, k)
    settings = GenerationSettings(
        str(tiny_mt5), languages=("ja",), queries_per_language=draws, top_k=k, max_length=1
    )
    ct2_engine = Ct2QuestionGenerator(settings, options=Ct2Options("float32", threads=1))
    eos = ct2_engine.tokenizer.eos_token_id
    [drawn] = ct2_engine.sample([prompt], "d4")
    ct2_first = [ids[0] if ids else eos for ids in drawn]
    hf_engine = QuestionGenerator(settings)
    with torch.inference_mode():
        encoded, mask = hf_engine._encode([prompt])
        sequences = hf_engine._decode(encoded, mask, gumbel_noise([11], draws, 1, k))
    hf_first = sequences[:, 1].tolist()
    for name, first in (("ct2", ct2_first), ("hf", hf_first)):
        assert len(first) == draws
        assert set(first) <= set(tokens), f"{name} drew a token outside the top {k}"
        counts = np.array([first.count(t) for t in tokens], dtype=float)
        p = _chi_square_p(counts, probabilities)
        assert p > alpha, (name, p, counts.tolist(), (probabilities * draws).round(1).tolist())


# ---------------------------------------------------------------------------- conversion cache


def _other_ctranslate2(path: Path) -> None:
    manifest = json.loads(path.read_text("utf-8"))
    manifest["ctranslate2"] = "0.0.1"
    path.write_text(json.dumps(manifest), "utf-8")


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("model.bin", truncate_half),
        ("model.bin", flip_middle_byte),
        ("config.json", Path.unlink),
        ("manifest.json", Path.unlink),
        ("manifest.json", _other_ctranslate2),
    ],
    ids=["truncated-model", "changed-byte", "deleted-config", "no-manifest", "other-ctranslate2"],
)
def test_a_damaged_conversion_is_rebuilt_on_next_use(
    tiny_mt5: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    name: str,
    damage: object,
) -> None:
    source = resolve_source(str(tiny_mt5))
    model_dir = ct2_model_dir(source, "int8", tmp_path)
    pristine = {p.name: p.read_bytes() for p in model_dir.iterdir() if p.name != "manifest.json"}
    assert set(pristine) >= {"model.bin", "config.json"}
    damage(model_dir / name)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger=ct2_convert.__name__):
        assert ct2_model_dir(source, "int8", tmp_path) == model_dir
    [warning] = [r.getMessage() for r in caplog.records if r.name == ct2_convert.__name__]
    assert "is unusable" in warning and "rebuilding" in warning
    assert {p: (model_dir / p).read_bytes() for p in pristine} == pristine
    # and the rebuilt copy verifies: no further message
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=ct2_convert.__name__):
        ct2_model_dir(source, "int8", tmp_path)
    assert not caplog.records
    leftovers = [
        p.name for p in model_dir.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name
    ]
    assert not leftovers


def test_conversion_is_keyed_by_the_model_files_and_the_quantisation(
    tiny_mt5: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    for path in tiny_mt5.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    first = ct2_model_dir(resolve_source(str(copy)), "int8", tmp_path / "cache")
    assert first.name.startswith("model-int8-")
    assert ct2_model_dir(resolve_source(str(copy)), "float32", tmp_path / "cache") != first
    (copy / "generation_config.json").write_text(
        (copy / "generation_config.json").read_text("utf-8").replace("}", ', "x": 1}'), "utf-8"
    )
    assert ct2_model_dir(resolve_source(str(copy)), "int8", tmp_path / "cache") != first
    manifest = json.loads((first / "manifest.json").read_text("utf-8"))
    assert manifest["source"]["path"] == str(copy.resolve())
    assert set(manifest["source"]["files"]) == {p.name for p in tiny_mt5.iterdir()}
    assert manifest["quantization"] == "int8"


def test_concurrent_first_use_converts_once(
    tiny_mt5: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = resolve_source(str(tiny_mt5))
    results: list[Path] = []
    with caplog.at_level(logging.INFO, logger=ct2_convert.__name__):
        threads = [
            threading.Thread(target=lambda: results.append(ct2_model_dir(source, "int8", tmp_path)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 2 and results[0] == results[1]
    messages = [r.getMessage() for r in caplog.records if r.name == ct2_convert.__name__]
    assert len(messages) == 1 and messages[0].startswith("converting")


def test_a_model_that_is_not_seq2seq_does_not_convert(tiny_bert: Path, tmp_path: Path) -> None:
    with pytest.raises(ct2_convert.Ct2ConversionError, match="not a sequence-to-sequence model"):
        ct2_model_dir(resolve_source(str(tiny_bert)), "int8", tmp_path)
    assert not (tmp_path / "ct2").exists() or not list((tmp_path / "ct2").iterdir())


def test_a_hub_model_is_keyed_by_its_snapshot_commit(tiny_mt5: Path, tmp_path: Path) -> None:
    """A hub name resolves through huggingface_hub (here offline, from a cache laid out as
    the hub writes it) to its snapshot; the conversion is keyed by name and commit."""
    commit = "0123456789abcdef" * 2 + "01234567"
    repo = tmp_path / "hub" / "models--org--tiny-mt5"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit, "utf-8")
    shutil.copytree(tiny_mt5, repo / "snapshots" / commit)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub")}
    code = (
        "import json, sys; from xqg_pyserini.generation.ct2_convert import resolve_source\n"
        "try: s = resolve_source(sys.argv[1])\n"
        "except Exception as e: print(json.dumps([type(e).__name__, str(e)]))\n"
        "else: print(json.dumps([str(s.directory), s.identity]))"
    )

    def resolve(name: str) -> list:  # type: ignore[type-arg]
        done = subprocess.run(
            [sys.executable, "-c", code, name], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    directory, identity = resolve("org/tiny-mt5")
    assert Path(directory) == repo / "snapshots" / commit
    assert identity == {"hub": "org/tiny-mt5", "revision": commit}
    source = ct2_convert.ModelSource("org/tiny-mt5", Path(directory), identity)
    model_dir = ct2_model_dir(source, "int8", tmp_path / "cache")
    assert model_dir.name.startswith("tiny-mt5-int8-")
    assert json.loads((model_dir / "manifest.json").read_text("utf-8"))["source"] == identity
    kind, message = resolve("org/absent")
    assert kind == "Ct2ConversionError"
    assert message.startswith("cannot fetch 'org/absent' from the Hugging Face Hub")


# ---------------------------------------------------------------------------- determinism, resume


@pytest.mark.parametrize("threads", [1, 2])
def test_a_batch_depends_only_on_its_passages(tiny_mt5: Path, threads: int) -> None:
    """Seed per batch and a fresh translator per batch: the second batch of a process
    equals the same batch generated first by another (set_random_seed alone would not)."""
    settings = GenerationSettings(str(tiny_mt5), languages=("ja",), max_length=8)
    passages = [Passage(*p) for p in PASSAGES]
    running = Ct2QuestionGenerator(settings, options=Ct2Options(threads=threads))
    running.generate(passages[:2])
    second = running.generate(passages[2:4])
    fresh = Ct2QuestionGenerator(settings, options=Ct2Options(threads=threads))
    assert fresh.generate(passages[2:4]) == second
    assert fresh.generate(passages[2:4]) == second  # and again, after a batch
    assert fresh.generate(passages[4:6]) != second


class Crash(RuntimeError):
    pass


def crashing(passages: list[Passage], after: int) -> Iterator[Passage]:
    """The corpus, until the process 'dies' after ``after`` passages."""
    for i, passage in enumerate(passages):
        if i == after:
            raise Crash("killed")
        yield passage


def test_resumed_ct2_run_equals_an_uninterrupted_one(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.jsonl"
    assert main(ct2(tiny_mt5, corpus, reference, "--batch-size", "2", "--seed", "5")) == 0
    lines = reference.read_bytes().splitlines(keepends=True)
    assert len(lines) == 7

    # killed while reading the 6th passage: batches (d1 d2) and (d3 d4) are written
    settings = GenerationSettings(str(tiny_mt5), languages=("ja", "ko"), max_length=12, seed=5)
    generator = Ct2QuestionGenerator(settings, options=Ct2Options(threads=1))
    killed = tmp_path / "killed.jsonl"
    with pytest.raises(Crash):
        run_generation(
            generator, crashing([Passage(*p) for p in PASSAGES], 5), killed, batch_size=2,
            corpus=str(corpus.resolve()), progress=False,
        )  # fmt: skip
    assert killed.read_bytes() == b"".join(lines[:4])
    capsys.readouterr()
    assert main(ct2(tiny_mt5, corpus, killed, "--batch-size", "2", "--seed", "5")) == 0
    assert "skipped 4 passages" in capsys.readouterr().out
    assert killed.read_bytes() == reference.read_bytes()

    # stopped in the middle of a batch: 3 lines, d4 missing from batch (d3 d4)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:3]))
    settings_path(cut).write_bytes(settings_path(reference).read_bytes())
    assert main(ct2(tiny_mt5, corpus, cut, "--batch-size", "2", "--seed", "5")) == 0
    assert "skipped 3 passages" in capsys.readouterr().out
    assert cut.read_bytes() == reference.read_bytes()


def test_resuming_with_other_ct2_settings_is_refused(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.jsonl"
    assert main(ct2(tiny_mt5, corpus, output, "--batch-size", "2")) == 0
    first = output.read_bytes()
    output.write_bytes(first[: first.index(b"\n") + 1])  # as if stopped after one passage
    for extra, diff in [
        (["--batch-size", "3"], "engine.batch_size: 2 -> 3"),
        (["--batch-size", "2", "--ct2-threads", "2"], "engine.threads: 1 -> 2"),
        (["--batch-size", "2", "--ct2-compute-type", "float32"], "engine.compute_type: 'int8'"),
        (["--batch-size", "2", "--ct2-reseed", "run"], "engine.reseed: 'batch' -> 'run'"),
    ]:
        capsys.readouterr()
        assert main(ct2(tiny_mt5, corpus, output, *extra)) == 2
        [line] = error_lines(capsys.readouterr().err)
        assert "other settings" in line and diff in line, line
    capsys.readouterr()
    assert main(args(tiny_mt5, corpus, output, "--engine", "hf")) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert "engine.name: 'ct2' -> 'hf'" in line
    # auto resumes with the engine the record names
    assert main(args(tiny_mt5, corpus, output, "--batch-size", "2", "--ct2-threads", "1")) == 0
    err = capsys.readouterr().err
    assert engine_lines(err) == [
        f"engine: ct2 (auto: resuming {output}, which the ct2 engine wrote)"
    ]
    assert output.read_bytes() == first


def test_reseed_run_seeds_once_and_is_reproducible(
    tiny_mt5: Path, corpus: Path, tmp_path: Path
) -> None:
    files = []
    for name in ("a", "b"):
        output = tmp_path / f"{name}.jsonl"
        assert main(ct2(tiny_mt5, corpus, output, "--batch-size", "2", "--ct2-reseed", "run")) == 0
        files.append(output.read_bytes())
    assert files[0] == files[1]
    batch = tmp_path / "batch.jsonl"
    assert main(ct2(tiny_mt5, corpus, batch, "--batch-size", "2")) == 0
    first_batch = b"".join(files[0].splitlines(keepends=True)[:2])
    assert batch.read_bytes().startswith(first_batch)  # the same seed for the first batch
    assert batch.read_bytes() != files[0]  # then a reloaded, reseeded translator


# ---------------------------------------------------------------------------- engine choice


def test_auto_picks_ct2_and_says_why_in_one_line(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "auto.jsonl"
    assert main(args(tiny_mt5, corpus, output, "--ct2-threads", "1")) == 0
    [line] = engine_lines(capsys.readouterr().err)
    assert line.startswith(f"engine: ct2 (auto: ctranslate2 {ctranslate2.__version__} is installed")
    assert "int8, 1 thread(s), cpu" in line
    explicit = tmp_path / "ct2.jsonl"
    assert main(ct2(tiny_mt5, corpus, explicit)) == 0
    assert explicit.read_bytes() == output.read_bytes()
    assert not engine_lines(capsys.readouterr().err)  # an explicit engine is not announced


def test_without_ctranslate2_ct2_is_an_error_and_auto_falls_back_to_hf(
    tiny_mt5: Path,
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # `import ctranslate2` fails
    output = tmp_path / "out" / "generated.jsonl"
    assert main(ct2(tiny_mt5, corpus, output)) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert "needs the ctranslate2 package" in line and "pip install 'xqg_pyserini[ct2]'" in line
    assert not output.parent.exists()
    assert main(args(tiny_mt5, corpus, output, "--ct2-threads", "1")) == 0
    err = capsys.readouterr().err
    assert engine_lines(err) == [
        "engine: hf (auto: ctranslate2 is not installed; pip install 'xqg_pyserini[ct2]' adds "
        "the faster ct2 engine); --ct2-threads ignored"
    ]
    assert json.loads(settings_path(output).read_text("utf-8"))["engine"] == {"name": "hf"}
    reference = tmp_path / "hf.jsonl"
    assert main(args(tiny_mt5, corpus, reference, "--engine", "hf")) == 0
    assert output.read_bytes() == reference.read_bytes()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ct2-compute-type", "float16"], "mt5 models overflow in float16"),
        (["--ct2-compute-type", "int8_float16"], "mt5 models overflow in float16"),
        (["--ct2-compute-type", "bfloat16", "--device", "cuda:7"], "CUDA device(s)"),
        (["--bf16"], "--bf16 sets the hf engine's precision"),
        (["--engine", "hf", "--ct2-threads", "2"], "--ct2-threads applies to --engine ct2"),
        (["--model", "MISSING"], "model directory not found"),
    ],
)
def test_bad_engine_settings_give_one_error_line_and_write_nothing(
    tiny_mt5: Path,
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    output = tmp_path / "out" / "generated.jsonl"
    extra = [str(tmp_path / "no-model") if e == "MISSING" else e for e in extra]
    assert main(ct2(tiny_mt5, corpus, output, *extra)) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert message in line, line
    assert not output.parent.exists()


def test_float16_is_refused_under_auto_too(
    tiny_mt5: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.jsonl"
    assert main(args(tiny_mt5, corpus, output, "--ct2-compute-type", "float16")) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert "overflow in float16" in line and not output.exists()


def test_auto_falls_back_to_hf_for_a_model_ct2_cannot_run(
    tiny_bert: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.jsonl"
    assert main(args(tiny_bert, corpus, output)) == 2
    err = capsys.readouterr().err
    [notice] = engine_lines(err)
    assert notice.startswith("engine: hf (auto: the ct2 engine cannot run it:")
    assert "not a sequence-to-sequence model" in notice
    [line] = error_lines(err)
    assert line.startswith("error: cannot load a sequence-to-sequence model from")
    assert not output.exists()

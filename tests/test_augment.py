"""xQG augmentation: e'(p) = (1 - alpha) e(p) + alpha * SUM|MEAN e(q), through the index CLI.

Expected vectors are computed independently with plain ``transformers``, one
text at a time (no batching, no padding), pooling by hand.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.helpers import (
    build_argv,
    demo_generated,
    error_lines,
    read_index,
    write_demo_head,
    write_generated,
)
from xqg_pyserini.data import read_jsonl_corpus
from xqg_pyserini.data.generated_join import GeneratedJoin, UnmatchedQuestionsError
from xqg_pyserini.encoders.augment import (
    AugmentSettings,
    AugmentSummary,
    PassageAugmenter,
    mix,
)
from xqg_pyserini.encoders.batching import padded_token_batches
from xqg_pyserini.index import main
from xqg_pyserini.indexes import read_metadata

LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
Generated = dict[str, dict[str, list[str]]]  # docid -> {lang: questions}, in file order


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, Generated]:
    """Six demo passages; questions for 1-5 (1 with an extra English one, 4 English only)."""
    corpus = write_demo_head(tmp_path / "corpus.jsonl", 6)
    generated = demo_generated(5)
    generated["1"] = {**generated["1"], "en": ["What is Mount Fuji?"]}
    generated["4"] = {"en": ["Where is Nara?", "What is Nara?"]}
    return corpus, generated


@lru_cache(maxsize=4)
def _load(model_dir: Path):  # type: ignore[no-untyped-def]
    from transformers import AutoModel, AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir).eval()


def embed(model_dir: Path, text: str, max_length: int, pooling: str, l2: bool) -> torch.Tensor:
    tokenizer, model = _load(model_dir)
    batch = tokenizer(text, max_length=max_length, truncation=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state[0].double()
    vector = hidden[0] if pooling == "cls" else hidden.mean(dim=0)
    return torch.nn.functional.normalize(vector, dim=0) if l2 else vector


def expected_vectors(
    model_dir: Path,
    corpus: Path,
    generated: Generated,
    augment: AugmentSettings,
    pooling: str = "cls",
    l2: bool = False,
) -> np.ndarray:
    """e'(p) by the paper's formula, float64 (n, dim); questions kept to 12 tokens."""
    cap = augment.queries_per_language
    rows = []
    for p in read_jsonl_corpus(corpus):
        e = embed(model_dir, f"passage: {p.title} {p.text}", 128, pooling, l2)
        questions = [
            q
            for lang, qs in generated.get(p.doc_id, {}).items()
            if lang in augment.languages
            for q in (qs if cap is None else qs[:cap])
        ]
        if questions:
            qv = torch.stack([embed(model_dir, f"query: {q}", 12, pooling, l2) for q in questions])
            agg = qv.sum(dim=0) if augment.method == "sum" else qv.mean(dim=0)
            e = (1 - augment.alpha) * e + augment.alpha * agg
        rows.append(e)
    return torch.stack(rows).numpy()


CASES = {
    "sum": ([], AugmentSettings()),
    "mean-cap2-alpha0.3": (  # alpha 0.01 would move a mean by less than the tolerance
        ["--augment", "mean", "--queries-per-language", "2", "--alpha", "0.3"],
        AugmentSettings(alpha=0.3, method="mean", queries_per_language=2),
    ),
    "sum-ja-fi-cap1-alpha0.2": (
        ["--languages", "ja", "fi", "--queries-per-language", "1", "--alpha", "0.2"],
        AugmentSettings(alpha=0.2, languages=("ja", "fi"), queries_per_language=1),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_vectors_follow_the_formula(
    tiny_bert: Path, inputs: tuple[Path, Generated], tmp_path: Path, case: str
) -> None:
    corpus, generated = inputs
    flags, settings = CASES[case]
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    out = tmp_path / "idx"
    assert main(build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen), *flags)) == 0
    vectors, docids = read_index(out)
    assert docids == ["1", "2", "3", "4", "5", "6"]
    expected = expected_vectors(tiny_bert, corpus, generated, settings)
    assert np.abs(vectors - expected).max() < 1e-5
    plain = expected_vectors(tiny_bert, corpus, {}, settings)
    assert np.abs(vectors[[3, 5]] - plain[[3, 5]]).max() < 1e-5  # 4 and 6: e(p)
    assert np.abs(vectors[[0, 1, 2, 4]] - plain[[0, 1, 2, 4]]).max(axis=1).min() > 1e-3


def test_l2_normalised_before_mixing_and_not_after(
    tiny_xlmr: Path, inputs: tuple[Path, Generated], tmp_path: Path
) -> None:
    corpus, generated = inputs
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    out = tmp_path / "idx"
    argv = build_argv(tiny_xlmr, corpus, out, "--pooling", "mean", "--l2-norm")
    assert main([*argv, "--generated-queries", str(gen), "--alpha", "0.1"]) == 0
    vectors, _ = read_index(out)
    expected = expected_vectors(
        tiny_xlmr, corpus, generated, AugmentSettings(alpha=0.1), pooling="mean", l2=True
    )
    assert np.abs(vectors - expected).max() < 1e-5
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all(np.abs(norms[[0, 1, 2, 4]] - 1) > 1e-3)  # augmented: not renormalised
    np.testing.assert_allclose(norms[[3, 5]], 1, atol=1e-6)


def test_summary_and_settings_in_metadata(
    tiny_bert: Path, inputs: tuple[Path, Generated], tmp_path: Path
) -> None:
    corpus, generated = inputs
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    out = tmp_path / "idx"
    assert main(build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen))) == 0
    meta = read_metadata(out)
    aug = meta.augmentation
    assert aug is not None
    assert (aug["alpha"], aug["method"], aug["queries_per_language"]) == (0.01, "sum", None)
    assert aug["languages"] == list(LANGS) and aug["generated_queries"] == [str(gen)]
    assert aug["join"] == "aligned"
    assert aug["summary"] == {
        "passages_augmented": 4,  # 1, 2, 3, 5
        "passages_without_questions": 2,  # 4 (English only) and 6 (no record)
        "passages_without_record": 1,
        "questions_per_language": {lang: 20 for lang in LANGS},  # 4 passages x 5
        "questions_ignored_by_language": {"en": 3},
        "questions_over_cap": 0,
    }
    key = meta.build_key["augment"]
    assert key["alpha"] == 0.01 and key["method"] == "sum"
    (identity,) = key["generated_queries"]
    assert identity["path"] == str(gen.resolve()) and identity["bytes"] == gen.stat().st_size
    assert identity["mtime_ns"] == gen.stat().st_mtime_ns


def test_alpha_zero_is_the_plain_index(
    tiny_bert: Path, inputs: tuple[Path, Generated], tmp_path: Path
) -> None:
    corpus, generated = inputs
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    assert main(build_argv(tiny_bert, corpus, tmp_path / "plain")) == 0
    argv = build_argv(tiny_bert, corpus, tmp_path / "aug", "--generated-queries", str(gen))
    assert main([*argv, "--alpha", "0"]) == 0
    plain, plain_ids = read_index(tmp_path / "plain")
    augmented, ids = read_index(tmp_path / "aug")
    assert ids == plain_ids
    assert np.abs(augmented - plain).max() <= 1e-6
    assert read_metadata(tmp_path / "plain").augmentation is None
    assert "augment" not in read_metadata(tmp_path / "plain").build_key


def _reorder(tmp_path: Path, generated: Generated, how: str) -> Path:
    if how == "shuffled":
        order = list(generated)
        random.Random(3).shuffle(order)
        return write_generated(tmp_path / "gen.jsonl", generated, order)
    if how == "gap":  # passage 2 has no record: the zip stops matching at once
        return write_generated(tmp_path / "gen.jsonl", {k: generated[k] for k in "1345"})
    shards = tmp_path / "shards"  # read in name order: 5, then 1-2, then 3-4
    shards.mkdir()
    write_generated(shards / "a.jsonl", generated, ["5"])
    with gzip.open(shards / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(write_generated(tmp_path / "b.jsonl", generated, ["1", "2"]).read_text("utf-8"))
    write_generated(shards / "c.jsonl", generated, ["3", "4"])
    return shards


@pytest.mark.parametrize("how", ["shuffled", "gap", "shards"])
def test_generated_files_in_another_order(
    tiny_bert: Path,
    inputs: tuple[Path, Generated],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    from xqg_pyserini.indexes import encoding

    monkeypatch.setattr(encoding, "CHUNK_BATCHES", 1)  # chunks of 2 passages: 3 chunks
    corpus, generated = inputs
    source = _reorder(tmp_path, generated, how)
    out = tmp_path / "idx"
    argv = build_argv(tiny_bert, corpus, out, "--batch-size", "2", "--alpha", "0.3")
    assert main([*argv, "--generated-queries", str(source)]) == 0
    used = {k: v for k, v in generated.items() if how != "gap" or k != "2"}
    expected = expected_vectors(tiny_bert, corpus, used, AugmentSettings(alpha=0.3))
    vectors, docids = read_index(out)
    assert docids == ["1", "2", "3", "4", "5", "6"]
    assert np.abs(vectors - expected).max() < 1e-5
    meta = read_metadata(out)
    assert meta.augmentation is not None and meta.augmentation["join"] == "indexed"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("position", ["end", "middle"])
def test_unknown_docid_is_one_line_and_nothing_is_written(
    tiny_bert: Path,
    inputs: tuple[Path, Generated],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    position: str,
) -> None:
    corpus, generated = inputs
    generated["x99"] = {"ja": ["どこ？"]}
    order = ["1", "2", "x99", "3", "4", "5"] if position == "middle" else None
    gen = write_generated(tmp_path / "gen.jsonl", generated, order)
    out = tmp_path / "idx"
    assert main(build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen))) == 2
    err = error_lines(capsys.readouterr().err)
    line = 3 if position == "middle" else 6
    assert len(err) == 1 and f"{gen}:{line}:" in err[0]
    assert "docid 'x99'" in err[0] and "not in the corpus" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "gen.jsonl"]


@pytest.mark.parametrize("order", [["1", "2", "2", "3"], ["1", "3", "2", "3"]])
def test_docid_twice_names_both_lines(
    tiny_bert: Path,
    inputs: tuple[Path, Generated],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    order: list[str],
) -> None:
    corpus, generated = inputs
    gen = write_generated(tmp_path / "gen.jsonl", generated, order)
    argv = build_argv(tiny_bert, corpus, tmp_path / "idx", "--generated-queries", str(gen))
    assert main(argv) == 2
    err = error_lines(capsys.readouterr().err)
    twice = next(d for d in order if order.count(d) == 2)
    first, second = order.index(twice) + 1, len(order) - order[::-1].index(twice)
    assert len(err) == 1 and f"docid {twice!r}" in err[0]
    assert f"{gen}:{second}:" in err[0] and f"at {gen}:{first}" in err[0]
    assert not (tmp_path / "idx").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--alpha", "0.5"], "--alpha needs --generated-queries"),
        (
            ["--augment", "mean", "--languages", "ja"],
            "--augment, --languages need --generated-queries",
        ),
        (["--generated-queries", "GEN", "--alpha", "1.5"], "alpha must be in [0, 1]"),
        (["--generated-queries", "GEN", "--alpha", "-0.1"], "alpha must be in [0, 1]"),
        (["--generated-queries", "GEN", "--queries-per-language", "0"], "at least 1"),
        (["--generated-queries", "nothing-*.jsonl"], "no such file: nothing-*.jsonl"),
    ],
)
def test_bad_augmentation_flags_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    gen = write_generated(tmp_path / "gen.jsonl", {"1": {"ja": ["?"]}})
    flags = [str(gen) if f == "GEN" else f for f in flags]
    argv = ["--corpus", str(tmp_path / "c.jsonl"), "--encoder", "x", "--output", "o", *flags]
    (tmp_path / "c.jsonl").write_text('{"id": "1", "text": "t"}\n')
    assert main(argv) == 2
    err = error_lines(capsys.readouterr().err)
    assert len(err) == 1 and message in err[0]


def test_changed_generated_file_is_not_up_to_date(
    tiny_bert: Path,
    inputs: tuple[Path, Generated],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corpus, generated = inputs
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    argv = build_argv(tiny_bert, corpus, tmp_path / "idx", "--generated-queries", str(gen))
    assert main(argv) == 0 and main(argv) == 0
    assert "up to date" in capsys.readouterr().out
    write_generated(gen, {k: generated[k] for k in "123"})
    assert main(argv) == 2 and "--overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite"]) == 0
    summary = read_metadata(tmp_path / "idx").augmentation["summary"]  # type: ignore[index]
    assert summary["passages_augmented"] == 3


# ------------------------------------------------------------------ library parts, no model


def test_join_zips_then_spills_to_disk_on_the_first_mismatch(tmp_path: Path) -> None:
    gen = write_generated(
        tmp_path / "g.jsonl",
        {d: {"ja": [f"q{d}"]} for d in "abcdef"},
        ["a", "b", "d", "c", "f"],  # e has no record; d comes before c
    )
    with GeneratedJoin([gen], tmp_path / "idx") as join:
        assert join.take(["a", "b"]) == [{"ja": ("qa",)}, {"ja": ("qb",)}]
        assert join.mode == "aligned"
        assert join.take(["c", "d"]) == [{"ja": ("qc",)}, {"ja": ("qd",)}]
        assert join.mode == "indexed"
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names[0].startswith(".idx.tmp-join-") and names[1:] == ["g.jsonl"]
        assert join.take(["e", "f"]) == [None, {"ja": ("qf",)}]
        join.finish(lambda doc_id: True)
    assert [p.name for p in tmp_path.iterdir()] == ["g.jsonl"]


def test_join_leaves_passages_after_the_last_record_without_questions(tmp_path: Path) -> None:
    gen = write_generated(tmp_path / "g.jsonl", {"a": {"ja": ["qa"]}, "z": {"ko": ["qz"]}})
    with GeneratedJoin([gen], tmp_path / "idx") as join:
        assert join.take(["a"]) == [{"ja": ("qa",)}]
        with pytest.raises(UnmatchedQuestionsError, match=r"g.jsonl:2: .*'z', which is not in"):
            join.finish(lambda doc_id: False)


def test_mix_keeps_passages_without_questions_and_alpha_zero_exact() -> None:
    passages = np.array([[1.0, 2.0], [3.0, -4.0]], dtype=np.float32)
    sums = np.array([[10.0, 20.0], [0.0, 0.0]])
    counts = np.array([2, 0])
    summed = mix(passages, sums, counts, AugmentSettings(alpha=0.5))
    np.testing.assert_array_equal(summed, [[5.5, 11.0], [3.0, -4.0]])
    mean = mix(passages, sums, counts, AugmentSettings(alpha=0.5, method="mean"))
    np.testing.assert_array_equal(mean, [[3.0, 6.0], [3.0, -4.0]])
    np.testing.assert_array_equal(mix(passages, sums, counts, AugmentSettings(alpha=0)), passages)


class StubEncoder:
    """What :class:`PassageAugmenter` needs of an encoder, with fixed question vectors.

    Its token count is a question's length in characters; it logs what it encodes.
    """

    dimension = 2

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors
        self.batches: list[list[str]] = []

    def query_lengths(self, queries: Sequence[str]) -> list[int]:
        return [len(q) for q in queries]

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        self.batches.append(list(queries))
        return np.array([self.vectors[q] for q in queries], dtype=np.float32)


STUB_VECTORS = {  # English questions are never requested: their vectors would stand out
    "ja1": [2, 0], "ja2": [0, 4], "fi1": [6, 6], "en1": [100, 100],
    "ja3": [8, 0], "ko1": [0, 8], "ko2": [2, 2], "ko3": [4, -4], "en2": [100, -100],
}  # fmt: skip
STUB_PASSAGES = np.array([[1, 2], [4, 0], [3, 3], [-1, 5]], dtype=np.float32)
STUB_QUERIES = [
    {"ja": ("ja1", "ja2"), "fi": ("fi1",), "en": ("en1",)},
    {"ja": ("ja3",), "ko": ("ko1", "ko2", "ko3")},
    None,  # no record
    {"en": ("en2",)},  # only a language not requested
]
# e'(p) = 0.5 e(p) + 0.5 (SUM|MEAN e(q)), worked out by hand; passages 3 and 4 keep e(p)
STUB_CASES = {
    "sum": (
        AugmentSettings(alpha=0.5),
        [[4.5, 6], [9, 3], [3, 3], [-1, 5]],  # sums [8, 10] and [14, 6]
        {"ja": 3, "fi": 1, "ko": 3}, {"en": 2}, 0,
    ),
    "mean": (
        AugmentSettings(alpha=0.5, method="mean"),
        [[0.5 + 4 / 3, 1 + 5 / 3], [3.75, 0.75], [3, 3], [-1, 5]],  # means of 3 and 4
        {"ja": 3, "fi": 1, "ko": 3}, {"en": 2}, 0,
    ),
    "ja-only": (
        AugmentSettings(alpha=0.5, languages=("ja",)),
        [[1.5, 3], [6, 0], [3, 3], [-1, 5]],  # ja1 + ja2, ja3
        {"ja": 3}, {"fi": 1, "en": 2, "ko": 3}, 0,
    ),
    "cap1": (
        AugmentSettings(alpha=0.5, queries_per_language=1),
        [[4.5, 4], [6, 4], [3, 3], [-1, 5]],  # ja1 + fi1, ja3 + ko1
        {"ja": 2, "fi": 1, "ko": 1}, {"en": 2}, 3,
    ),
    "cap2": (
        AugmentSettings(alpha=0.5, queries_per_language=2),
        [[4.5, 6], [7, 5], [3, 3], [-1, 5]],  # ja1 + ja2 + fi1, ja3 + ko1 + ko2
        {"ja": 3, "fi": 1, "ko": 2}, {"en": 2}, 1,
    ),
}  # fmt: skip
STUB_ENCODED = {  # the questions each case encodes, once each
    "sum": ["fi1", "ja1", "ja2", "ja3", "ko1", "ko2", "ko3"],
    "mean": ["fi1", "ja1", "ja2", "ja3", "ko1", "ko2", "ko3"],
    "ja-only": ["ja1", "ja2", "ja3"],
    "cap1": ["fi1", "ja1", "ja3", "ko1"],
    "cap2": ["fi1", "ja1", "ja2", "ja3", "ko1", "ko2"],
}


@pytest.mark.parametrize("case", STUB_CASES)
def test_augmenter_mixes_by_the_formula(case: str) -> None:
    settings, expected, used, ignored, over_cap = STUB_CASES[case]
    encoder = StubEncoder(STUB_VECTORS)
    augmenter = PassageAugmenter(encoder, settings, max_padded_tokens=6)
    vectors = augmenter.augment(STUB_PASSAGES, STUB_QUERIES)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 2)
    np.testing.assert_allclose(vectors, expected, rtol=1e-6)
    np.testing.assert_array_equal(vectors[2:], STUB_PASSAGES[2:])  # exactly e(p)
    assert augmenter.summary == AugmentSummary(
        passages_augmented=2,
        passages_without_questions=2,
        passages_without_record=1,
        questions_per_language=used,
        questions_ignored_by_language=ignored,
        questions_over_cap=over_cap,
    )
    assert sorted(q for batch in encoder.batches for q in batch) == STUB_ENCODED[case]
    assert all(len(batch) <= 2 for batch in encoder.batches)  # 3 characters each: 6 tokens


def test_variants_come_from_one_encoding() -> None:
    names = ["cap1", "cap2", "sum", "mean"]
    encoder = StubEncoder(STUB_VECTORS)
    variants = [STUB_CASES[name][0] for name in names]
    augmenter = PassageAugmenter(encoder, variants, max_padded_tokens=100)
    mixed = augmenter.augment_variants(STUB_PASSAGES, STUB_QUERIES)
    for name, vectors in zip(names, mixed, strict=True):
        np.testing.assert_allclose(vectors, STUB_CASES[name][1], rtol=1e-6)
    assert sorted(q for batch in encoder.batches for q in batch) == STUB_ENCODED["sum"]
    capped = StubEncoder(STUB_VECTORS)
    PassageAugmenter(capped, variants[:2], 100).augment_variants(STUB_PASSAGES, STUB_QUERIES)
    assert sorted(q for batch in capped.batches for q in batch) == STUB_ENCODED["cap2"]
    assert [s.questions_over_cap for s in augmenter.summaries] == [3, 1, 0, 0]
    with pytest.raises(ValueError, match="use augment_variants"):
        augmenter.augment(STUB_PASSAGES, STUB_QUERIES)
    with pytest.raises(ValueError, match="share the languages"):
        PassageAugmenter(encoder, [variants[0], STUB_CASES["ja-only"][0]], 100)


def test_a_repeated_question_is_encoded_once_and_counted_each_time() -> None:
    """Sampling repeats questions: one encoding, added to every passage and rank that has it."""
    queries = [
        {"ja": ("ja1", "ja1"), "ko": ("ja1",)},  # the same text twice in one language, once in ko
        {"ja": ("ja1", "ja2")},
    ]
    passages = np.zeros((2, 2), dtype=np.float32)
    encoder = StubEncoder(STUB_VECTORS)
    encoded: list[int] = []
    augmenter = PassageAugmenter(encoder, AugmentSettings(alpha=0.0, method="mean"), 100)
    augmenter.on_encoded = encoded.append
    variants = [AugmentSettings(alpha=0.5), AugmentSettings(alpha=0.5, queries_per_language=1)]
    capped = PassageAugmenter(StubEncoder(STUB_VECTORS), variants, 100)
    summed, first_only = capped.augment_variants(passages, queries)
    np.testing.assert_allclose(summed, [[3, 0], [1, 2]])  # 0.5 x (3 x [2, 0]); 0.5 x [2, 4]
    np.testing.assert_allclose(first_only, [[2, 0], [1, 0]])  # ja1 (ja), ja1 (ko); ja1
    augmenter.augment(passages, queries)
    assert sorted(q for batch in encoder.batches for q in batch) == ["ja1", "ja2"]
    assert sum(encoded) == 5  # progress counts every occurrence


def test_counting_alone_encodes_nothing() -> None:
    """What a resumed build does for the passages it already has."""
    encoder = StubEncoder(STUB_VECTORS)
    augmenter = PassageAugmenter(encoder, STUB_CASES["cap1"][0], max_padded_tokens=6)
    augmenter.count(STUB_QUERIES)
    assert encoder.batches == []
    assert augmenter.summary.questions_per_language == {"ja": 2, "fi": 1, "ko": 1}
    assert augmenter.summary.passages_augmented == 2


def test_padded_token_batches() -> None:
    # sorted lengths 1, 3, 3 | 5 | 9: adding 5 would pad 4 x 5 = 20 > 9 tokens
    assert padded_token_batches([5, 1, 3, 3, 9], 9) == [[1, 2, 3], [0], [4]]
    assert padded_token_batches([20, 2], 9) == [[1], [0]]  # longer than the limit: alone
    assert padded_token_batches([], 9) == []
    # a batch cut short goes in power-of-two pieces, shortest items first as before
    assert padded_token_batches([2] * 7, 100) == [[0, 1, 2, 3], [4, 5], [6]]
    assert padded_token_batches([1, 1, 1, 4, 4, 4], 12) == [[0, 1], [2], [3, 4, 5]]
    lengths = [3] * 10 + [4] * 20  # limit 12: full batches hold 4 of length 3, 3 of length 4
    sizes = [len(b) for b in padded_token_batches(lengths, 12)]
    assert sizes == [4, 4, 3, 3, 3, 3, 3, 3, 3, 1]  # [3, 3, 4] fills a batch of length 4


def test_cli_accepts_exactly_the_library_methods_and_defaults_to_the_paper() -> None:
    from xqg_pyserini.encoders.augment import AUGMENT_METHODS
    from xqg_pyserini.index import parse_args

    for method in AUGMENT_METHODS:
        assert parse_args(["--augment", method]).augment == method
        assert AugmentSettings(method=method).method == method
    with pytest.raises(SystemExit):
        parse_args(["--augment", "max"])
    with pytest.raises(ValueError, match="must be one of sum, mean"):
        AugmentSettings(method="max")
    assert AugmentSettings() == AugmentSettings(0.01, "sum", LANGS, None)


# ------------------------------------------------------------------ Pyserini parity (slow)


@pytest.mark.slow
def test_plain_index_equals_pyserini_encode(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    """Our plain index and ``python -m pyserini.encode`` agree (no prefixes: Pyserini
    puts a document prefix between title and text)."""
    import subprocess
    import sys

    collection = tmp_path / "collection"
    collection.mkdir()
    demo_corpus_head.rename(collection / "docs.jsonl")  # {"docid", "title", "text"} per line
    ours = tmp_path / "ours"
    argv = ["--corpus", str(collection / "docs.jsonl"), "--encoder", str(tiny_bert)]
    argv += ["--dtype", "float32"]  # Pyserini's encoder runs in float32
    assert main([*argv, "--output", str(ours), "--batch-size", "5"]) == 0
    theirs = tmp_path / "theirs"
    command = [
        sys.executable, "-m", "pyserini.encode",
        "input", "--corpus", str(collection), "--fields", "title", "text", "--delimiter", "\n\n",
        "output", "--embeddings", str(theirs), "--to-faiss",
        "encoder", "--encoder", str(tiny_bert), "--encoder-class", "auto",
        "--fields", "title", "text", "--pooling", "cls", "--max-length", "128",
        "--device", "cpu", "--batch-size", "4", "--dimension", "32",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    our_vectors, our_ids = read_index(ours)
    their_vectors, their_ids = read_index(theirs)
    assert our_ids == their_ids == [str(i) for i in range(1, 13)]
    assert np.abs(our_vectors - their_vectors).max() < 1e-5


def test_question_batches_fill_max_padded_tokens(tiny_bert: Path) -> None:
    from xqg_pyserini.encoders.batching import encode_query_batches
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    encoder = TransformerEncoder(EncoderSettings(model=str(tiny_bert), query_max_length=16))
    rng = random.Random(3)
    words = ["capital", "river", "Tokyo", "Helsinki", "population", "mountain", "when"]
    queries = [" ".join(rng.choices(words, k=rng.randint(1, 20))) for _ in range(60)]
    lengths = encoder.query_lengths(queries)
    assert max(lengths) == 16  # cut at query_max_length, as encoded
    batches = list(encode_query_batches(encoder, queries, max_padded_tokens=48))
    assert sorted(i for rows, _ in batches for i in rows) == list(range(60))
    for rows, vectors in batches:
        assert max(lengths[i] for i in rows) * len(rows) <= 48 or len(rows) == 1
        alone = encoder.encode_queries([queries[i] for i in rows[:1]])
        assert np.allclose(vectors[0], alone[0], atol=1e-5)
    # full batches: a short query waits for others rather than going alone
    assert len(batches) < 60 / 2

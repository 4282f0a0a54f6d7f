"""Top-k sampling whose randomness belongs to one (passage, language), not to the batch.

Hugging Face's ``do_sample`` draws from torch's global generator for the whole
batch at once, so a passage's questions would depend on which passages share its
batch, on the batch size, and on where a resumed run restarts. Here every
(seed, docid, language) gets its own seed (:func:`derive_seed`); a CPU
``torch.Generator`` seeded with it draws Gumbel noise for all its samples and
decoding steps up front (:func:`gumbel_noise`), and :class:`SeededTopKSampler`
picks ``argmax(logit + noise)`` among the k best tokens at every step, which is
an exact draw from the top-k softmax (the Gumbel-max trick). The k candidates
are ordered by token id before the noise is added, so a near-tie that swaps two
logits' ranks does not change which noise each token gets.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

__all__ = ["SeededTopKSampler", "derive_seed", "gumbel_noise"]

_SEED_MASK = (1 << 63) - 1


def derive_seed(seed: int, doc_id: str, language: str) -> int:
    """A 63-bit seed for one (passage, language), from SHA-256 of the three values.

    Independent of batch size, batch composition, shard and process; any change
    to ``seed``, ``doc_id`` or ``language`` gives an unrelated seed.
    """
    key = f"xqg-generate\x1f{seed}\x1f{doc_id}\x1f{language}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") & _SEED_MASK


def gumbel_noise(seeds: list[int], samples: int, steps: int, k: int) -> torch.Tensor:
    """Standard Gumbel noise, float32 of shape ``(len(seeds) * samples, steps, k)``.

    Rows ``i * samples`` to ``(i + 1) * samples - 1`` come from a CPU generator
    seeded with ``seeds[i]`` (so the same values on every device).
    """
    import torch

    blocks = []
    for seed in seeds:
        generator = torch.Generator(device="cpu").manual_seed(seed)
        uniform = torch.rand((samples, steps, k), generator=generator, dtype=torch.float64)
        blocks.append(-torch.log(-torch.log(uniform)))  # uniform == 0 gives -inf: never chosen
    return torch.cat(blocks).to(torch.float32)


class SeededTopKSampler:
    """A Hugging Face logits processor that turns greedy decoding into seeded top-k sampling.

    Given to ``generate(do_sample=False, logits_processor=[sampler])``, it leaves
    one finite score per row, the sampled token, so greedy search takes it.

    Parameters
    ----------
    noise
        From :func:`gumbel_noise`: one row per decoded sequence (the same row
        order as the decoder's batch), one slice per step, ``k`` values per slice.
    """

    def __init__(self, noise: torch.Tensor) -> None:
        self.noise = noise
        self.top_k = int(noise.shape[-1])

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """``scores`` (rows, vocab) -> (rows, vocab): 0 at the sampled token, -inf elsewhere."""
        import torch

        step = input_ids.shape[1] - 1  # the decoder starts with one start token
        k = min(self.top_k, scores.shape[-1])
        values, tokens = scores.float().topk(k, dim=-1)
        tokens, order = tokens.sort(dim=-1)
        values = values.gather(-1, order)
        noise = self.noise[:, step, :k].to(values.device)
        choice = (values + noise).argmax(dim=-1, keepdim=True)
        chosen = tokens.gather(-1, choice)
        out = torch.full_like(scores, float("-inf"))
        return out.scatter_(-1, chosen, 0.0)

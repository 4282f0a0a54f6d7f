"""Pooling of a transformer's last hidden states into one vector per text."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

__all__ = ["pool"]


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, method: str) -> torch.Tensor:
    """Pool ``hidden`` (batch, tokens, dim) to (batch, dim).

    ``cls`` takes the first token of the last layer (no pooler, as in DPR/Tevatron);
    ``mean`` averages the tokens the attention mask keeps (padding excluded).
    """
    if method == "cls":
        return hidden[:, 0]
    if method == "mean":
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    raise ValueError(f"unknown pooling {method!r}: expected cls or mean")

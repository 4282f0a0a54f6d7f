"""The contrastive loss of the xDR recipe (DPR / Tevatron).

Every query is scored against every passage of the batch (``B x n``: its own
group of one positive and ``n - 1`` hard negatives, and all other groups); the
target of query ``i`` is passage ``i * n``, its own positive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

__all__ = ["contrastive_loss", "similarity_scores"]


def similarity_scores(
    queries: torch.Tensor, passages: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """``Q . P^T / temperature``, in float32: ``(B, B * n)``."""
    return queries.float() @ passages.float().T / temperature


def contrastive_loss(
    queries: torch.Tensor, passages: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """Mean cross-entropy of each query over all ``B * n`` passages, target ``i * n``.

    ``passages`` holds the groups one after another: rows ``i*n .. i*n + n-1``
    belong to query ``i``, its positive first.
    """
    import torch

    batch = queries.shape[0]
    if batch == 0 or passages.shape[0] % batch:
        raise ValueError(
            f"{passages.shape[0]} passages do not split into groups for {batch} queries"
        )
    group = passages.shape[0] // batch
    scores = similarity_scores(queries, passages, temperature)
    target = torch.arange(batch, device=scores.device) * group
    return torch.nn.functional.cross_entropy(scores, target)

"""Gradient cache (Gao et al., 2021): the loss of a large batch in small chunks.

The contrastive loss couples every query with every passage of the batch, so
it cannot be split like an ordinary loss. The gradient cache computes it in
three passes, holding activations of one chunk at a time:

1. embed every chunk without gradients, remembering each chunk's random state
   (dropout);
2. compute the loss on those embeddings and its gradient with respect to them;
3. embed each chunk again, with gradients and the same random state, and
   back-propagate the cached embedding gradients through it.

Loss and parameter gradients equal those of the whole batch at once (up to
floating-point summation order). The ``grad-cache`` package that Tevatron uses
is not on the package registries, so these few lines are written here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

__all__ = ["chunked", "grad_cache_step"]

Inputs = Mapping[str, "torch.Tensor"]


def chunked(inputs: Inputs, size: int) -> list[dict[str, torch.Tensor]]:
    """Split tokenised inputs along the batch dimension into chunks of ``size`` rows."""
    rows = next(iter(inputs.values())).shape[0]
    return [
        {k: v[start : start + size] for k, v in inputs.items()} for start in range(0, rows, size)
    ]


class _RandomState:
    """The CPU and CUDA random states at one moment, to replay a forward pass."""

    def __init__(self) -> None:
        import torch

        self.cpu = torch.get_rng_state()
        self.cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None

    @contextlib.contextmanager
    def replay(self) -> Iterator[None]:
        import torch

        devices = list(range(len(self.cuda))) if self.cuda is not None else []
        with torch.random.fork_rng(devices=devices):
            torch.set_rng_state(self.cpu)
            if self.cuda is not None:
                torch.cuda.set_rng_state_all(self.cuda)
            yield


def grad_cache_step(
    embed: Callable[[Inputs], torch.Tensor],
    query_inputs: Inputs,
    passage_inputs: Inputs,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    query_chunk: int,
    passage_chunk: int,
    backward: Callable[[torch.Tensor], Any],
    forward_context: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
) -> torch.Tensor:
    """One batch's loss, with the parameter gradients accumulated by ``backward``.

    ``embed`` maps a chunk of tokenised inputs to vectors (the shared encoder);
    ``backward`` back-propagates a scalar (the Trainer's ``accelerator.backward``,
    which applies loss scaling); ``forward_context`` wraps each forward pass
    (autocast). Returns the loss, detached.
    """
    import torch

    def first_pass(inputs: Inputs, size: int) -> tuple[list[Any], list[_RandomState], torch.Tensor]:
        chunks, states, vectors = chunked(inputs, size), [], []
        for chunk in chunks:
            states.append(_RandomState())
            with torch.no_grad(), forward_context():
                vectors.append(embed(chunk).float())
        return chunks, states, torch.cat(vectors).requires_grad_()

    q_chunks, q_states, queries = first_pass(query_inputs, query_chunk)
    p_chunks, p_states, passages = first_pass(passage_inputs, passage_chunk)
    loss = loss_fn(queries, passages)
    loss.backward()
    for chunks, states, cached, size in (
        (q_chunks, q_states, queries, query_chunk),
        (p_chunks, p_states, passages, passage_chunk),
    ):
        for chunk, state, grad in zip(chunks, states, cached.grad.split(size), strict=True):
            with state.replay(), forward_context():
                vectors = embed(chunk).float()
            backward(torch.dot(vectors.flatten(), grad.flatten()))
    return loss.detach()

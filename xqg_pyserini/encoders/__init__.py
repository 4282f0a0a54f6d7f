"""Encoders: settings and presets, a Pyserini-free transformer encoder, pooling.

The Pyserini subclasses live in :mod:`xqg_pyserini.encoders.pyserini_api`
(importing it starts Pyserini's JVM), so they are not imported here.
"""

from xqg_pyserini.encoders.settings import (
    ENCODER_PRESETS,
    POOLINGS,
    EncoderSettings,
    UnknownEncoderError,
    join_prefix,
)

__all__ = ["ENCODER_PRESETS", "POOLINGS", "EncoderSettings", "UnknownEncoderError", "join_prefix"]

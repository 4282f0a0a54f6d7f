"""Our encoders inside Pyserini's own machinery: its encode pipeline and FaissSearcher."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers import read_index
from xqg_pyserini.data import read_jsonl_corpus
from xqg_pyserini.index import main as index_main
from xqg_pyserini.indexes import read_metadata

pytestmark = pytest.mark.slow  # importing pyserini.encode starts the JVM


def test_pyserini_encode_pipeline_accepts_our_document_encoder(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    import faiss
    from pyserini.encode import JsonlCollectionIterator
    from pyserini.encode.optional import FaissRepresentationWriter

    from xqg_pyserini.data.export import export_collection
    from xqg_pyserini.encoders.pyserini_api import XqgDocumentEncoder

    ours = tmp_path / "ours"
    assert (
        index_main(
            ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert)]
            + ["--dtype", "float32", "--output", str(ours)]
        )
        == 0
    )
    collection = tmp_path / "collection"
    export_collection(read_jsonl_corpus(demo_corpus_head), collection, progress=False)
    encoder = XqgDocumentEncoder(read_metadata(ours).encoder_settings())
    embeddings = tmp_path / "pyserini"
    iterator = JsonlCollectionIterator(str(collection), ["title", "text"], None, "\n")
    # The loop of `python -m pyserini.encode`, with our encoder in it.
    writer = FaissRepresentationWriter(str(embeddings), dimension=32)
    with writer:  # as Pyserini does: its __enter__ returns None
        for batch in iterator(5, 0, 1):
            kwargs = {
                "texts": batch["text"],
                "titles": batch["title"],
                "fp16": False,
                "max_length": 128,
                "add_sep": False,
            }
            batch["vector"] = encoder.encode(**kwargs)
            writer.write(batch, ["title", "text"])
    index = faiss.read_index(str(embeddings / "index"))
    theirs = index.reconstruct_n(0, index.ntotal)
    expected, docids = read_index(ours)
    assert (embeddings / "docid").read_text().splitlines() == docids
    np.testing.assert_allclose(theirs, expected, atol=1e-5, rtol=0)


def test_faiss_searcher_with_our_query_encoder(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    from pyserini.search.faiss import FaissSearcher

    from xqg_pyserini.encoders.pyserini_api import XqgQueryEncoder
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    index = tmp_path / "idx"
    assert (
        index_main(
            ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert), "--output", str(index)]
        )
        == 0
    )
    query_encoder = XqgQueryEncoder.from_index(index)
    vector = query_encoder.encode("富士山の標高は？")
    meta = read_metadata(index)  # built in the default precision; queries run in the same
    expected = TransformerEncoder(meta.encoder_settings(), dtype=meta.precision).encode_queries(
        ["富士山の標高は？"]
    )[0]
    assert vector.shape == (32,) and vector.dtype == np.float32
    np.testing.assert_allclose(vector, expected, atol=1e-6)
    hits = FaissSearcher(str(index), query_encoder).search("富士山の標高は？", k=3)
    assert len(hits) == 3 and hits[0].score >= hits[1].score >= hits[2].score

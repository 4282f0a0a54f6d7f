"""Slices of the bundled xqg-demo collection for tests that need real passages."""

from __future__ import annotations

import json
from pathlib import Path


def write_demo_head(path: Path, count: int) -> Path:
    """The first ``count`` passages of the bundled xqg-demo collection, as JSONL."""
    from xqg_pyserini.data.formats import read_dpr_tsv
    from xqg_pyserini.irds.xqg_demo import CORPUS_FILE, directory

    docs = read_dpr_tsv(directory() / CORPUS_FILE)
    lines = [
        json.dumps({"docid": d.doc_id, "title": d.title, "text": d.text}, ensure_ascii=False)
        for d, _ in zip(docs, range(count), strict=False)
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path

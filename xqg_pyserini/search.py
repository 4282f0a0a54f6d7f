"""``python -m xqg_pyserini.search``: a short way to write Pyserini's own search over our index.

``python -m xqg_pyserini.search --index IDX ...`` runs ``python -m
pyserini.search.faiss --index IDX --encoder IDX --encoder-class xqg ...``:
Pyserini's module, unchanged, with our query encoder reading model, pooling,
normalisation, prefix and query length from the index's ``metadata.json``
(see :mod:`xqg_pyserini.plugin`). ``--encoder`` and ``--encoder-class`` are
filled in only when left out; every other flag is Pyserini's.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

from xqg_pyserini.indexes.search_command import pyserini_search_argv

__all__ = ["main", "pyserini_search_argv"]


def _index(argv: list[str]) -> Path:
    parser = argparse.ArgumentParser(prog="python -m xqg_pyserini.search", add_help=False)
    parser.add_argument("--index", type=Path, required=True)
    known, _ = parser.parse_known_args(argv)
    return known.index


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.indexes.metadata import read_metadata
    from xqg_pyserini.startup import install_import_hook

    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        print("Pyserini's flags follow.\n")
        argv = ["--help"]
    else:
        index = _index(argv)
        if "--encoder" not in argv and not any(a.startswith("--encoder=") for a in argv):
            try:
                read_metadata(index)  # one line now, rather than from inside Pyserini
            except XqgError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        argv = pyserini_search_argv(argv, index)
    install_import_hook()
    saved = sys.argv
    sys.argv = ["python -m pyserini.search.faiss", *argv]
    try:
        runpy.run_module("pyserini.search.faiss", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return 1
        return int(exit_.code or 0)
    finally:
        sys.argv = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())

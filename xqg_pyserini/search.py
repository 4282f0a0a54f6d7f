"""``python -m xqg_pyserini.search``: Pyserini's own FAISS search, set up from the index.

It takes exactly the flags of ``python -m pyserini.search.faiss`` and runs that
module unchanged, with two differences:

* encoder flags the user left out (``--encoder``, ``--encoder-class``,
  ``--pooling``, ``--l2-norm``, ``--query-prefix``) are filled in from the
  index's ``metadata.json``, so the queries are encoded as the index was built;
* Pyserini's ``auto`` query encoder ignores ``--max-length`` (queries are cut
  at the tokenizer's limit, 512). The ``auto`` entry of Pyserini's encoder
  registry is replaced, for this run only, by a subclass that truncates at
  ``--max-length`` or, when that flag is absent, at the index's query length
  (32 for the paper's xDR setting).
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xqg_pyserini.encoders.settings import EncoderSettings

__all__ = ["main", "pyserini_search_argv"]


def pyserini_search_argv(argv: list[str], settings: EncoderSettings) -> list[str]:
    """``argv`` with the encoder flags the user left out taken from ``settings``."""
    given = {arg.split("=", 1)[0] for arg in argv if arg.startswith("--")}
    filled = list(argv)
    if "--encoder" not in given and "--encoded-queries" not in given:
        filled += ["--encoder", settings.model]
        if "--encoder-class" not in given:
            filled += ["--encoder-class", "auto"]
        if "--pooling" not in given:
            filled += ["--pooling", settings.pooling]
        if settings.l2_norm and "--l2-norm" not in given:
            filled.append("--l2-norm")
        if settings.query_prefix and "--query-prefix" not in given:
            filled += ["--query-prefix", settings.query_prefix.rstrip()]
    if "--max-length" not in given:
        filled += ["--max-length", str(settings.query_max_length)]
    return filled


def _truncating_auto_encoder(max_length: int) -> type:
    """Pyserini's AutoQueryEncoder, truncating queries at ``max_length`` tokens."""
    from pyserini.encode import AutoQueryEncoder

    class TruncatingAutoQueryEncoder(AutoQueryEncoder):
        def encode(self, query: str, max_length: int | None = None, **kwargs: object):  # type: ignore[no-untyped-def, override]
            return super().encode(query, max_length=max_length or self.query_max_length)

    TruncatingAutoQueryEncoder.query_max_length = max_length  # type: ignore[attr-defined]
    return TruncatingAutoQueryEncoder


def _our_flags(argv: list[str]) -> argparse.Namespace:
    """``--index`` and ``--max-length`` out of Pyserini's flags (both spellings)."""
    parser = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.search",
        description="Run `python -m pyserini.search.faiss` (same flags) over an xqg_pyserini "
        "index; encoder flags left out are taken from the index's metadata.json, and "
        "--max-length (default: the index's query length) really truncates queries.",
        add_help=False,
    )
    parser.add_argument("--index", type=Path, required=True, help="index directory")
    parser.add_argument("--max-length", type=int, default=None, help="query tokens kept")
    known, _ = parser.parse_known_args(argv)
    return known


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.indexes.metadata import read_metadata
    from xqg_pyserini.pyserini_env import install_import_hook

    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        print("Pyserini's flags follow.\n")
        argv = ["--help"]
    else:
        try:
            settings = read_metadata(_our_flags(argv).index).encoder_settings()
        except XqgError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        argv = pyserini_search_argv(argv, settings)
        max_length = _our_flags(argv).max_length
    install_import_hook()
    import pyserini.encode

    if argv != ["--help"]:
        pyserini.encode.query_encoder_class_map["auto"] = _truncating_auto_encoder(max_length)
    saved = sys.argv
    sys.argv = ["python -m pyserini.search.faiss", *argv]
    try:
        runpy.run_module("pyserini.search.faiss", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    finally:
        sys.argv = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())

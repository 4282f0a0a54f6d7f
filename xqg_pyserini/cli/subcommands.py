"""One dispatcher for the commands made of subcommands (``train``, ``study``).

A command lists its subcommands as ``{name: (module, one-line summary)}``; each
module has ``build_parser()`` and ``main(argv) -> int``, and is imported only when
its subcommand runs, so ``--help`` of the parent stays fast.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping

__all__ = ["dispatch", "usage"]


def usage(prog: str, commands: Mapping[str, tuple[str, str]]) -> str:
    """The parent's help: one line per subcommand."""
    lines = [f"usage: {prog} COMMAND [options]   ({prog} COMMAND --help for its options)", ""]
    lines.append("commands:")
    lines += [f"  {name:<10} {summary}" for name, (_, summary) in commands.items()]
    return "\n".join(lines)


def dispatch(
    prog: str, commands: Mapping[str, tuple[str, str]], argv: list[str] | None = None
) -> int:
    """Run the subcommand named by ``argv[0]`` with the rest; help or a one-line error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage(prog, commands))
        return 0 if argv else 2
    name = argv[0]
    if name not in commands:
        print(f"{prog}: error: unknown command {name!r}; expected one of: "
              f"{', '.join(commands)}", file=sys.stderr)  # fmt: skip
        return 2
    module = importlib.import_module(commands[name][0])
    return int(module.main(argv[1:]))

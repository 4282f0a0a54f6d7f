"""The start-up hook, exercised as users meet it: plain `python -m pyserini...` runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xqg_pyserini.java import bundled_java_home
from xqg_pyserini.startup import STARTUP_LINE, startup_file_path, write_startup_file

HOOK_INSTALLED = startup_file_path().is_file()
needs_hook = pytest.mark.skipif(
    not HOOK_INSTALLED, reason="start-up hook not installed: run `make setup`"
)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user who exported nothing Java- or OpenAI-related."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("JAVA_HOME", "JDK_HOME", "JRE_HOME", "OPENAI_API_KEY", "CLASSPATH")
    }
    env.update(extra)
    return env


def run_python(args: list[str], env: dict[str, str], cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_startup_file_is_one_import_line_and_idempotent(tmp_path: Path) -> None:
    path = write_startup_file(tmp_path)
    assert path.name.endswith(".pth")
    assert path.read_text() == STARTUP_LINE
    assert STARTUP_LINE.startswith("import ") and STARTUP_LINE.count("\n") == 1
    mtime = path.stat().st_mtime_ns
    write_startup_file(tmp_path)
    assert path.stat().st_mtime_ns == mtime


def test_startup_line_is_silent_without_the_package(tmp_path: Path) -> None:
    env = clean_env(PYTHONPATH="")
    code = STARTUP_LINE.replace("xqg_pyserini._startup", "xqg_pyserini_gone._startup")
    result = run_python(["-c", code + "print('alive')"], env)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "alive", "")


@pytest.mark.slow
@needs_hook
def test_plain_pyserini_search_cli_starts_with_no_exports(tmp_path: Path) -> None:
    result = run_python(["-m", "pyserini.search.faiss", "--help"], clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--encoder-class" in result.stdout


@pytest.mark.slow
@needs_hook
def test_plain_pyserini_lucene_indexer_runs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d.jsonl").write_text(
        json.dumps({"id": "d1", "contents": "Mount Fuji is 3,776 metres tall."}) + "\n"
    )
    args = [
        "-m",
        "pyserini.index.lucene",
        "--collection",
        "JsonCollection",
        "--input",
        str(docs),
        "--index",
        str(tmp_path / "idx"),
        "--threads",
        "1",
    ]
    result = run_python(args, clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert any((tmp_path / "idx").iterdir())


@pytest.mark.slow
@needs_hook
def test_java_older_than_21_is_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "jdk17"
    (home / "bin").mkdir(parents=True)
    (home / "release").write_text('JAVA_VERSION="17.0.15"\n')
    result = run_python(["-m", "pyserini.search.faiss", "--help"], clean_env(JAVA_HOME=str(home)))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "is Java 17.0.15" in lines[0] and "Java 21 or newer" in lines[0]
    assert "Traceback" not in result.stderr


JVM_REPORT = (
    "import os, pyserini.search.faiss, jnius_config\n"
    "from jnius import autoclass\n"
    "props = autoclass('java.lang.System')\n"
    "print(props.getProperty('java.home'))\n"
    "print(props.getProperty('java.version'))\n"
    "print(' '.join(jnius_config.get_options()))\n"
    "print(os.environ.get('OPENAI_API_KEY'))\n"
)


@pytest.mark.slow
@needs_hook
def test_users_own_java_21_is_used(tmp_path: Path) -> None:
    users_jdk = tmp_path / "my-jdk"
    users_jdk.symlink_to(bundled_java_home(), target_is_directory=True)
    result = run_python(["-c", JVM_REPORT], clean_env(JAVA_HOME=str(users_jdk)))
    assert result.returncode == 0, result.stderr[-2000:]
    java_home, version, options, key = result.stdout.splitlines()[-4:]
    assert Path(java_home).resolve() == bundled_java_home().resolve()
    assert int(version.split(".")[0]) >= 21
    assert "jdk.incubator.vector" not in options  # that runtime lacks the module
    assert key == "None"  # the import-time placeholder key did not leak


@pytest.mark.slow
@needs_hook
@pytest.mark.skipif(
    not Path("/usr/lib/jvm/temurin-25-jdk-amd64/release").is_file(), reason="no full JDK 21+ here"
)
def test_full_jdk_keeps_the_vector_module() -> None:
    home = "/usr/lib/jvm/temurin-25-jdk-amd64"
    result = run_python(["-c", JVM_REPORT], clean_env(JAVA_HOME=home))
    assert result.returncode == 0, result.stderr[-2000:]
    java_home, _, options, _ = result.stdout.splitlines()[-4:]
    assert java_home == home
    assert "--add-modules=jdk.incubator.vector" in options


@pytest.mark.slow
@needs_hook
def test_users_openai_key_is_never_overwritten() -> None:
    code = (
        "import os, pyserini.encode._openai as m\n"
        "print(m.client.api_key, os.environ['OPENAI_API_KEY'])\n"
    )
    result = run_python(["-c", code], clean_env(OPENAI_API_KEY="sk-users-own"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["sk-users-own", "sk-users-own"]


@needs_hook
def test_ir_datasets_still_reads_its_package_data_through_the_hook() -> None:
    # ir_datasets reads etc/downloads.json through its module loader; the hook's
    # wrapper must forward get_data and friends to the real loader.
    code = (
        "import pkgutil, ir_datasets\n"
        "print(len(pkgutil.get_data('ir_datasets', 'etc/downloads.json')) > 0)\n"
        "print(ir_datasets.registry['beir/scifact'].has_docs())\n"
    )
    result = run_python(["-c", code], clean_env())
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True"]


def test_finder_does_not_recurse_with_a_finder_that_asks_everyone() -> None:
    import importlib.abc

    from xqg_pyserini.startup import PyseriniImportHook

    class AskEveryone(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
            for finder in sys.meta_path:
                if finder is not self and hasattr(finder, "find_spec"):
                    spec = finder.find_spec(fullname, path, target)
                    if spec is not None:
                        return spec
            return None

    ours, theirs = PyseriniImportHook(), AskEveryone()
    sys.meta_path[:0] = [ours, theirs]
    try:
        spec = ours.find_spec("ir_datasets", None)
        assert spec is not None and spec.name == "ir_datasets"
    finally:
        sys.meta_path.remove(ours)
        sys.meta_path.remove(theirs)


@needs_hook
def test_ir_datasets_loads_the_bundled_collection_without_our_import(tmp_path: Path) -> None:
    # A fresh interpreter that never imports xqg_pyserini, an empty ir_datasets
    # home and no network: the hook registers xqg-demo, whose files ship inside.
    code = (
        "import sys, ir_datasets\n"
        "dev = ir_datasets.load('xqg-demo/dev')\n"
        "queries = list(dev.queries_iter())\n"
        "print(len(queries), sum(1 for _ in dev.docs_iter()), sum(1 for _ in dev.qrels_iter()))\n"
        "print(sorted({q.language for q in queries}))\n"
        "print(dev.docs_store().get('1').title)\n"
    )
    env = clean_env(IR_DATASETS_HOME=str(tmp_path / "irds"), HF_HUB_OFFLINE="1")
    result = run_python(["-c", code], env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    counts, languages, title = result.stdout.strip().splitlines()[-3:]
    assert counts.split() == ["350", "5500", "350"]  # as the collection's README says
    assert languages == "['ar', 'bn', 'fi', 'ja', 'ko', 'ru', 'te']"
    assert title == "Mount Fuji"

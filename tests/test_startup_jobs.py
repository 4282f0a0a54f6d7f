"""Each job of the start-up hook on its own, with fake loaders and modules (no JVM).

tests/test_pyserini_env.py runs them together as users meet them, in fresh
interpreters; here every piece is checked in isolation.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import types
import warnings
from pathlib import Path

import pytest

from xqg_pyserini.startup import datasets as datasets_job
from xqg_pyserini.startup import encoders as encoders_job
from xqg_pyserini.startup import hook, loaders
from xqg_pyserini.startup import jvm as jvm_job
from xqg_pyserini.startup import openai_key as openai_job


class FakeLoader(importlib.abc.Loader):
    """Records what happens; ``body`` runs as the module's code."""

    def __init__(self, body=None, source: str = "VALUE = 'original'\n") -> None:  # type: ignore[no-untyped-def]
        self.events: list[str] = []
        self.body = body
        self.source = source

    def exec_module(self, module: types.ModuleType) -> None:
        self.events.append("exec")
        if self.body is not None:
            self.body(module)
        else:
            exec(self.source, module.__dict__)

    def get_source(self, fullname: str) -> str:
        return self.source

    def get_filename(self, fullname: str) -> str:
        return f"/fake/{fullname}.py"

    def get_code(self, fullname: str):  # type: ignore[no-untyped-def]
        return compile(self.source, self.get_filename(fullname), "exec")

    def get_data(self, path: str) -> bytes:
        return b"data of " + path.encode()


def run(loader: importlib.abc.Loader, name: str = "fake_module") -> types.ModuleType:
    module = types.ModuleType(name)
    loader.exec_module(module)
    return module


# ------------------------------------------------------------------------ loaders


def test_wrappers_forward_everything_else_to_the_real_loader() -> None:
    wrapped = loaders.AfterLoader(FakeLoader(), lambda module: None)
    assert wrapped.get_data("etc/downloads.json") == b"data of etc/downloads.json"


def test_before_around_and_after_run_in_order() -> None:
    real = FakeLoader(body=lambda module: real.events.append("body"))
    loader = loaders.BeforeLoader(real, lambda: real.events.append("before"))
    run(loader)
    assert real.events == ["before", "exec", "body"]

    real.events.clear()
    run(loaders.AfterLoader(real, lambda module: real.events.append(f"after {module.__name__}")))
    assert real.events == ["exec", "body", "after fake_module"]


def test_code_loader_runs_other_code_or_declines() -> None:
    real = FakeLoader()
    patched = loaders.CodeLoader(real, lambda name, source, filename: compile(
        "VALUE = 'patched'\n", filename, "exec"))  # fmt: skip
    assert run(patched).VALUE == "patched"
    assert patched.get_code("m").co_filename == "/fake/m.py"
    declined = loaders.CodeLoader(real, lambda name, source, filename: None)
    assert run(declined).VALUE == "original"


# ------------------------------------------------------------------------ the finder


def test_the_finder_wraps_only_the_modules_of_its_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xqg_fake_target.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    job = types.ModuleType("xqg_fake_job")
    seen: list[str] = []
    job.wrap = lambda fullname, loader: loaders.AfterLoader(  # type: ignore[attr-defined]
        loader, lambda module: seen.append(module.__name__)
    )
    monkeypatch.setitem(sys.modules, "xqg_fake_job", job)
    monkeypatch.setitem(hook.JOBS, "xqg_fake_target", "xqg_fake_job")
    finder = hook.PyseriniImportHook()
    assert finder.find_spec("json", None) is None  # not a job's module: no work at all
    spec = finder.find_spec("xqg_fake_target", None)
    assert isinstance(spec.loader, loaders.AfterLoader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.VALUE == 1 and seen == ["xqg_fake_target"]


def test_every_job_module_has_a_wrap_function() -> None:
    import importlib

    for target, job in hook.JOBS.items():
        wrapped = importlib.import_module(job).wrap(target, FakeLoader())
        assert isinstance(wrapped, loaders.DelegatingLoader), target


# ------------------------------------------------------------------------ jobs


def test_jvm_job_prepares_java_before_pyserini_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    real = FakeLoader(body=lambda module: real.events.append("pyserini"))
    monkeypatch.setattr(jvm_job, "prepare_pyserini", lambda: real.events.append("java"))
    run(jvm_job.wrap("pyserini", real))
    assert real.events == ["java", "exec", "pyserini"]


def test_jvm_job_drops_the_vector_option_from_pyjnius(monkeypatch: pytest.MonkeyPatch) -> None:
    from xqg_pyserini.java import VECTOR_OPTION

    added: list[str] = []
    fake = types.ModuleType("jnius_config")
    fake.vm_running = False  # type: ignore[attr-defined]
    fake.options = ["-Xmx4g", VECTOR_OPTION]  # type: ignore[attr-defined]
    fake.add_options = lambda *opts: added.extend(opts)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jnius_config", fake)
    jvm_job._drop_vector_option()
    fake.add_options(VECTOR_OPTION, "-Dx=1")  # what Pyserini does before starting the JVM
    assert fake.options == ["-Xmx4g"] and added == ["-Dx=1"]


def test_openai_placeholder_exists_only_while_the_module_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    seen: list[str | None] = []
    real = FakeLoader(body=lambda module: seen.append(os.environ.get("OPENAI_API_KEY")))
    run(openai_job.wrap("pyserini.encode._openai", real))
    assert seen == [openai_job.PLACEHOLDER_OPENAI_KEY] and "OPENAI_API_KEY" not in os.environ

    monkeypatch.setenv("OPENAI_API_KEY", "users-own-key")
    run(openai_job.wrap("pyserini.encode._openai", real))
    assert seen[-1] == "users-own-key" and os.environ["OPENAI_API_KEY"] == "users-own-key"


def test_datasets_job_registers_after_ir_datasets_and_only_warns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xqg_pyserini import irds

    calls: list[str] = []
    monkeypatch.setattr(irds, "register", lambda: calls.append("register"))
    real = FakeLoader(body=lambda module: calls.append("ir_datasets"))
    run(datasets_job.wrap("ir_datasets", real))
    assert calls == ["ir_datasets", "register"]

    def broken() -> None:
        raise RuntimeError("registry changed")

    monkeypatch.setattr(irds, "register", broken)
    with pytest.warns(UserWarning, match="could not register its datasets: registry changed"):
        run(datasets_job.wrap("ir_datasets", FakeLoader()))


def test_encoders_job_registers_maps_and_patches_the_clis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xqg_pyserini.plugin import registration

    monkeypatch.setattr(registration, "pyserini_version", lambda: "1.6.0")
    encode = FakeLoader(source="query_encoder_class_map = {}\ndocument_encoder_class_map = {}\n")
    module = run(encoders_job.wrap("pyserini.encode", encode), "pyserini.encode")
    assert "xqg" in module.query_encoder_class_map and "xqg" in module.document_encoder_class_map

    cli = FakeLoader(source="import argparse\np = argparse.ArgumentParser()\n"
                     "p.add_argument('--encoder-class', choices=['auto'])\n"
                     "CHOICES = p._actions[-1].choices\n")  # fmt: skip
    module = run(encoders_job.wrap("pyserini.encode.__main__", cli), "pyserini.encode.__main__")
    assert module.CHOICES == ["auto", "xqg"]

    def broken(module: types.ModuleType) -> bool:
        raise RuntimeError("maps moved")

    monkeypatch.setattr(registration, "register_encoder_maps", broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(encoders_job.wrap("pyserini.encode", encode), "pyserini.encode")
    assert any("could not register its encoders: maps moved" in str(w.message) for w in caught)

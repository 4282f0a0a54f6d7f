"""The start-up hook: what this environment changes when Pyserini or ir_datasets is imported.

A ``.pth`` file in site-packages (:func:`write_startup_file`; ``make`` and
``python -m xqg_pyserini.doctor --install-hook`` install it) imports
:mod:`xqg_pyserini._startup`, which only puts :class:`~.hook.PyseriniImportHook`
first on ``sys.meta_path``. The finder does nothing until one of a few modules
is imported; each job then wraps that module's loader and lives in its own module:

* :mod:`.jvm`: before ``pyserini`` runs, choose a Java 21+ and drop the JVM
  option slim runtimes reject (rules in :mod:`xqg_pyserini.java`);
* :mod:`.openai_key`: ``pyserini.encode._openai`` runs with a placeholder
  ``OPENAI_API_KEY`` that exists only while it executes;
* :mod:`.datasets`: after ``ir_datasets`` runs, register our dataset ids;
* :mod:`.encoders`: after ``pyserini.encode`` runs, register ``--encoder-class xqg``
  in its maps, and run Pyserini's two CLIs with ``xqg`` among their choices.

Everything imported at interpreter start-up (this package, :mod:`.hook`,
:mod:`.loaders`) uses only the standard library; a job's module is imported when
its target module is.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from xqg_pyserini.startup.hook import PyseriniImportHook, install_import_hook

__all__ = [
    "STARTUP_FILENAME",
    "STARTUP_LINE",
    "PyseriniImportHook",
    "install_import_hook",
    "startup_file_path",
    "write_startup_file",
]

STARTUP_FILENAME = "xqg_pyserini_startup.pth"
# One line of Python, as a .pth file requires; silent if the package is gone.
STARTUP_LINE = (
    "import sys; exec('try:\\n import xqg_pyserini._startup\\nexcept ImportError:\\n pass')\n"
)


def startup_file_path(site_dir: Path | None = None) -> Path:
    """Where the ``.pth`` start-up file lives: this interpreter's site-packages by default."""
    return Path(site_dir or sysconfig.get_paths()["purelib"]) / STARTUP_FILENAME


def write_startup_file(site_dir: Path | None = None) -> Path:
    """Install the start-up hook into ``site_dir`` (atomically; unchanged if current)."""
    target = startup_file_path(site_dir)
    if target.is_file() and target.read_text(encoding="utf-8") == STARTUP_LINE:
        return target
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(STARTUP_LINE, encoding="utf-8")
    os.replace(tmp, target)
    return target

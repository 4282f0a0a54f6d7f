"""Imported by the ``xqg_pyserini_startup.pth`` file at interpreter start-up.

It only registers an import hook (see :mod:`xqg_pyserini.startup`); nothing
happens until ``pyserini`` or ``ir_datasets`` itself is imported.
"""

from xqg_pyserini.startup.hook import install_import_hook

install_import_hook()

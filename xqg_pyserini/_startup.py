"""Imported by the ``xqg_pyserini_startup.pth`` file at interpreter start-up.

It only registers an import hook (see :mod:`xqg_pyserini.pyserini_env`); nothing
happens until ``pyserini`` itself is imported.
"""

from xqg_pyserini.pyserini_env import install_import_hook

install_import_hook()

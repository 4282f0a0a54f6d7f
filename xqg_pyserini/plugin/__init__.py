"""``--encoder-class xqg`` inside Pyserini's own command lines (see docs/pyserini.md).

* :mod:`~xqg_pyserini.plugin.registration`: what the start-up hook registers in
  Pyserini, for which versions (standard library only);
* :mod:`~xqg_pyserini.plugin.cli_flags`: the Pyserini flags of the running command;
* :mod:`~xqg_pyserini.plugin.cli_encoders`: the classes Pyserini builds for ``xqg``
  (importing it imports Pyserini).

Importing this package imports nothing else.
"""

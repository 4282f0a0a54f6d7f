"""Running the pipeline on a distributed engine: ``--backend ray``.

``python -m xqg_pyserini.generate`` and ``python -m xqg_pyserini.index`` take
``--backend ray`` (flags: :mod:`xqg_pyserini.scaleout.ray_runtime`). The driver
streams the corpus and cuts it into blocks at fixed positions; Ray Data runs
the blocks through a pool of actors (one model load per actor), each of which
writes its block's output under a name fixed by the block's position
(:mod:`xqg_pyserini.scaleout.blocks`); a block whose output exists is skipped,
so a killed run started again finishes with the same result. The driver then
assembles the same files the single-process path writes
(:mod:`xqg_pyserini.scaleout.generate`, :mod:`xqg_pyserini.scaleout.index`).
Ray is an optional extra: ``pip install 'xqg_pyserini[ray]'``.
"""

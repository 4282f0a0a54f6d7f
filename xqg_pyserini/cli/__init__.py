"""What our command lines share: ``--config FILE.json`` and the index/ablation flags.

The front doors themselves stay thin modules run as ``python -m xqg_pyserini.<name>``
(``index``, ``ablation``, ``eval``, ...); library packages hold no argument parsing.
"""

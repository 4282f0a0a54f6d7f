"""Benchmarks for xqg_pyserini: figures and ratios measured in one run, never pass/fail.

``python -m benchmarks.run`` (``--quick`` for a few minutes) measures index
building against ``python -m pyserini.encode``, the cost of xQG augmentation,
peak memory, search, evaluation and question generation, then projects the
full-scale cost; see docs/benchmarks.md.
"""

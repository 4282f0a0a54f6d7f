"""The N-questions ablation: R@2kt / R@5kt against N generated questions per language.

``python -m xqg_pyserini.ablation`` (:mod:`xqg_pyserini.ablation.__main__`)
reproduces the paper's ablation figure in four steps, one module each:

* :mod:`~xqg_pyserini.ablation.indexes`: the plain index, then the xQG indexes
  for n = 1..N, all N in one pass of the index builder
  (:func:`~xqg_pyserini.indexes.build.build_indexes`), each with the
  ``metadata.json`` of ``python -m xqg_pyserini.index --queries-per-language n``;
* :mod:`~xqg_pyserini.ablation.search`: the dataset's questions encoded once,
  every index searched, Pyserini-format TREC runs;
* :mod:`~xqg_pyserini.ablation.report`: the evaluation report against the
  plain run, and the curve (``ablation.json``, ``.md``, ``.png``);
* :mod:`~xqg_pyserini.ablation.run`: the steps in order, reusing what is up to date.

See docs/augmentation.md, "Ablation: N questions per language".
"""

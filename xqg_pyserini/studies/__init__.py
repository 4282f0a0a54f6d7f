"""Research studies beyond the paper's table (issue 16): typo robustness, cross-language
alignment and mutual information, low-resource subsets.

Each study's computation lives in its own module here; ``python -m xqg_pyserini.study``
will be the command line over them. Importing this package loads neither torch nor
transformers.
"""

"""Evaluation: run files now; R@kt, ranx metrics and reports as they come."""

from xqg_pyserini.eval.run_file import Hit, RunFormatError, read_trec_run

__all__ = ["Hit", "RunFormatError", "read_trec_run"]

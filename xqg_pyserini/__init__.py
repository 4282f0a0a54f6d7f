"""xqg_pyserini: cross-lingual query generation (xQG) for Pyserini dense retrieval.

Importing this package has no side effects: no JVM, no model, no environment
changes. Heavy libraries are imported inside the functions that need them.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

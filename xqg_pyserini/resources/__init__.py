"""Data files bundled with the package (see README.md here)."""

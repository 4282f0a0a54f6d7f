"""Library behind tools/build_xqg_demo.py: builds the bundled xqg-demo collection."""

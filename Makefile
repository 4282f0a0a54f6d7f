# The two entry points a newcomer needs:
#   make demo   set up .venv (once) and build + search the demo index
#   make test   set up .venv (once) and run lint + the whole test suite
# Every step is idempotent: a stamp file records what is installed, and a second
# run reinstalls nothing unless setup.cfg or pyproject.toml changed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
TORCH  ?= torch==2.13.0

DEMO_INDEX  ?= indexes/xqg-demo-e5-small
DEMO_TOPICS ?= runs/demo-ja.tsv
DEMO_RUN    ?= runs/demo-ja.trec
DEMO_QUESTION ?= 富士山の標高は何メートルですか？

.PHONY: setup demo test lint clean-venv

setup: $(VENV)/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# torch first: this exact version is a CPU wheel on these machines; any later
# resolution that admits it installs no CUDA packages.
$(VENV)/.torch-installed: | $(PY)
	$(PIP) install -q "$(TORCH)"
	touch $@

# tools/requirements-demo.txt: the pinned builders of the bundled collection, so
# that the test rebuilding it byte for byte runs here and in CI.
$(VENV)/.installed: setup.cfg pyproject.toml tools/requirements-demo.txt $(VENV)/.torch-installed
	$(PIP) install -q -e ".[test]" -r tools/requirements-demo.txt
	$(PY) -m xqg_pyserini.doctor --install-hook --quiet
	touch $@

demo: setup
	$(PY) -m xqg_pyserini.index --output $(DEMO_INDEX)
	@mkdir -p $(dir $(DEMO_TOPICS))
	@printf 'ja-demo\t%s\n' "$(DEMO_QUESTION)" > $(DEMO_TOPICS)
	$(PY) -m pyserini.search.faiss --index $(DEMO_INDEX) \
	  --topics $(DEMO_TOPICS) --topics-format default \
	  --encoder "$$($(PY) -m xqg_pyserini.models.e5_small)" --encoder-class auto \
	  --pooling mean --l2-norm --query-prefix "query:" \
	  --device cpu --hits 5 --output $(DEMO_RUN)
	$(PY) -m xqg_pyserini.show --run $(DEMO_RUN) --topics $(DEMO_TOPICS)

lint: setup
	$(VENV)/bin/ruff check xqg_pyserini tests tools benchmarks
	$(VENV)/bin/ruff format --check xqg_pyserini tests tools benchmarks

test: lint
	$(PY) -m pytest

clean-venv:
	rm -rf $(VENV)

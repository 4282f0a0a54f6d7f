# The two entry points a newcomer needs:
#   make demo   set up .venv (once); build plain and xQG demo indexes, search both with
#               Pyserini, write a comparison report
#   make test   set up .venv (once) and run lint + the whole test suite
# Every step is idempotent: a stamp file records what is installed, and a second
# run reinstalls nothing unless setup.cfg or pyproject.toml changed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
TORCH  ?= torch==2.13.0

# The demo: plain and xQG indexes of xqg-demo, searched with Pyserini, compared.
DEMO_DATASET  ?= xqg-demo/dev
DEMO_INDEX    ?= indexes/xqg-demo-e5-small
DEMO_QPL      ?= 3
DEMO_XQG      ?= indexes/xqg-demo-e5-small-xqg$(DEMO_QPL)
DEMO_QUESTIONS = xqg_pyserini/resources/xqg_demo/generated_queries.jsonl.gz
DEMO_TOPICS   ?= runs/xqg-demo-dev-topics
DEMO_RUNS     ?= runs/xqg-demo-dev
DEMO_REPORT   ?= reports/xqg-demo-dev
E5             = $$($(PY) -m xqg_pyserini.models.e5_small)
# Pyserini's search CLI with the flags the e5 preset was indexed with
SEARCH = $(PY) -m pyserini.search.faiss --topics $(DEMO_TOPICS)/topics.all.tsv \
  --topics-format default --encoder "$(E5)" --encoder-class auto --pooling mean \
  --l2-norm --query-prefix "query:" --device cpu --hits 100 --batch-size 64 --threads 2

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
	$(PY) -m xqg_pyserini.index --output $(DEMO_XQG) --generated-queries $(DEMO_QUESTIONS) \
	  --queries-per-language $(DEMO_QPL) --passage-vectors-from $(DEMO_INDEX)
	$(PY) -m xqg_pyserini.data export topics --dataset $(DEMO_DATASET) \
	  --output $(DEMO_TOPICS) --overwrite
	@mkdir -p $(DEMO_RUNS)
	$(SEARCH) --index $(DEMO_INDEX) --output $(DEMO_RUNS)/plain.trec
	$(SEARCH) --index $(DEMO_XQG) --output $(DEMO_RUNS)/xqg.trec
	$(PY) -m xqg_pyserini.eval --dataset $(DEMO_DATASET) --baseline plain \
	  --runs plain=$(DEMO_RUNS)/plain.trec xqg=$(DEMO_RUNS)/xqg.trec \
	  --output $(DEMO_REPORT) --overwrite
	@echo "report: $(DEMO_REPORT)/report.md (also report.tex, report.json);" \
	  "plots: $(DEMO_REPORT)/delta_R2kt.png, $(DEMO_REPORT)/delta_R5kt.png"

lint: setup
	$(VENV)/bin/ruff check xqg_pyserini tests tools benchmarks
	$(VENV)/bin/ruff format --check xqg_pyserini tests tools benchmarks

test: lint
	$(PY) -m pytest

clean-venv:
	rm -rf $(VENV)

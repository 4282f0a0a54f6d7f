"""Cross-lingual retrieval on XQuAD's real human questions (XQuAD-R style).

Every question (in ar, de, el, en, es, hi, ro, ru, th, tr, vi, zh) retrieves
among XQuAD's 240 English paragraphs; its paragraph is the one relevant
passage. Exact dot products over all paragraphs; R@1, R@5 and MRR@10 per
language with ranx. Used by docs/training.md to check that a model trained on
the demo's template questions does not lose ground on real questions.

    .venv/bin/python tools/xquad_retrieval.py --encoder models/NAME --output FILE.json

Reads ../shared/data/xquad (or --xquad DIR); exits 0 with a note when it is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_XQUAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "xquad"
LANGUAGES = ("ar", "ru", "de", "el", "es", "hi", "ro", "th", "tr", "vi", "zh", "en")


def read_xquad(path: Path) -> tuple[list[str], dict[str, str], dict[str, int]]:
    """(paragraphs, question id -> question, question id -> paragraph index)."""
    data = json.loads(path.read_text("utf-8"))["data"]
    paragraphs, questions, gold = [], {}, {}
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions[qa["id"]] = qa["question"]
                gold[qa["id"]] = len(paragraphs)
            paragraphs.append(paragraph["context"])
    return paragraphs, questions, gold


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--encoder", required=True, help="an index built here, a model or a preset")
    p.add_argument(
        "--passage-encoder",
        default=None,
        help="encode the paragraphs with this one instead (a distilled student's teacher)",
    )
    p.add_argument("--xquad", type=Path, default=DEFAULT_XQUAD, help="folder of xquad.LANG.json")
    p.add_argument(
        "--dtype",
        default=None,
        choices=("auto", "float32", "float16", "bfloat16"),
        help="precision of the encoders (default: an index's own; float32 for a model)",
    )
    p.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    p.add_argument("--output", type=Path, default=None, help="write the scores as JSON here")
    args = p.parse_args(argv)
    if not (args.xquad / "xquad.en.json").is_file():
        print(f"no XQuAD files in {args.xquad}; nothing to do")
        return 0
    import numpy as np
    from ranx import Qrels, Run, evaluate

    from xqg_pyserini.encoders.spec import resolve_encoder_spec
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    spec = resolve_encoder_spec(args.encoder)
    dtype = args.dtype or spec.dtype
    encoder = TransformerEncoder(spec.settings, dtype=dtype)
    paragraphs, _, _ = read_xquad(args.xquad / "xquad.en.json")
    p_encoder = encoder
    if args.passage_encoder:
        p_spec = resolve_encoder_spec(args.passage_encoder)
        p_encoder = TransformerEncoder(p_spec.settings, dtype=args.dtype or p_spec.dtype)
    vectors = np.concatenate(
        [p_encoder.encode_passages(paragraphs[i : i + 16]) for i in range(0, len(paragraphs), 16)]
    )
    scores: dict[str, dict[str, float]] = {}
    for lang in args.languages:
        _, questions, gold = read_xquad(args.xquad / f"xquad.{lang}.json")
        ids = list(questions)
        texts = [questions[i] for i in ids]
        q = np.concatenate(
            [encoder.encode_queries(texts[i : i + 128]) for i in range(0, len(texts), 128)]
        )
        sims = q @ vectors.T
        top = np.argsort(-sims, axis=1)[:, :10]
        run = Run({i: {str(d): float(sims[k, d]) for d in top[k]} for k, i in enumerate(ids)})
        qrels = Qrels({i: {str(gold[i]): 1} for i in ids})
        result = evaluate(qrels, run, ["recall@1", "recall@5", "mrr@10"])
        scores[lang] = {k: round(float(v), 4) for k, v in result.items()}
        print(lang, scores[lang], flush=True)
    xx = [lang for lang in args.languages if lang != "en"]
    scores["avg_non_en"] = {
        m: round(sum(scores[lang][m] for lang in xx) / len(xx), 4) for m in scores[xx[0]]
    }
    print("avg (non-English)", scores["avg_non_en"])
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "encoder": args.encoder,
            "settings": spec.settings.to_dict(),
            "precision": encoder.dtype,
            "scores": scores,
        }
        args.output.write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

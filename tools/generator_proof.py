"""Offline proof of the generator training: a small mT5 trained from scratch on the demo.

No mT5 weights exist offline, so this trains a small model of mT5's architecture
from random weights, on CPU, with ``python -m xqg_pyserini.train generator``, and
measures what it writes. Steps (everything under ``--work``):

1. a Unigram tokenizer trained on the demo's passages and questions, and a
   random ``MT5ForConditionalGeneration`` of ``--d-model`` / ``--layers``;
2. training data: xqg-demo/train's (gold passage, question, language) triples,
   plus, with ``--bundled-targets`` (the default), the bundled generated questions
   of every passage except the held-out ones as extra targets;
3. held out: the gold passages of xqg-demo/dev (350), never seen in training;
4. ``python -m xqg_pyserini.generate`` writes ``--queries-per-language``
   questions per language for the held-out passages, with the trained and the
   untrained model;
5. each question (trained, untrained, and the bundled questions of the same
   passages) is encoded with the index's encoder (multilingual-e5-small) and
   searched over the index's 5,500 passages: the share that finds its own
   passage in the top 10, per language.

    .venv/bin/python tools/generator_proof.py --index indexes/xqg-demo-e5-small \\
        --work runs/generator-proof --max-steps 1500

Prints a table and writes ``proof.json``; reruns reuse what is already built
(``--overwrite`` starts again). See docs/training.md, "Offline proof".
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

LANGUAGES = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
DEV_PASSAGES = 40
BUNDLED = Path(__file__).resolve().parents[1] / "xqg_pyserini/resources/xqg_demo"


def _demo_passages() -> dict[str, tuple[str, str]]:
    import ir_datasets

    import xqg_pyserini  # noqa: F401  (registers xqg-demo)

    return {d.doc_id: (d.title, d.text) for d in ir_datasets.load("xqg-demo").docs_iter()}


def _dev_gold() -> list[str]:
    gold = []
    for line in (BUNDLED / "qrels.dev.tsv").read_text("utf-8").splitlines():
        qid, _, docid, rel = line.split()
        if int(rel) >= 1 and docid not in gold:
            gold.append(docid)
    return gold


def _bundled(doc_ids: set[str] | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    from xqg_pyserini.data.generated import read_generated_queries

    return {
        r.doc_id: r.queries
        for r in read_generated_queries(BUNDLED / "generated_queries.jsonl.gz")
        if doc_ids is None or r.doc_id in doc_ids
    }


def _texts(passages: dict[str, tuple[str, str]], bundled: dict) -> Iterable[str]:
    for title, text in passages.values():
        yield f"{title} {text}"
    for queries in bundled.values():
        for questions in queries.values():
            yield from questions
    for name in ("xor_train_retrieve.jsonl", "xor_dev_retrieve.jsonl"):
        for line in (BUNDLED / name).read_text("utf-8").splitlines():
            yield json.loads(line)["question"]


def build_model(out: Path, texts: list[str], args: argparse.Namespace) -> None:
    """A Unigram tokenizer trained on ``texts`` and a random mT5 of the chosen size."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from tokenizers.trainers import UnigramTrainer
    from transformers import MT5Config, MT5ForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>"]
    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = UnigramTrainer(vocab_size=args.vocab_size, special_tokens=specials, unk_token="<unk>")
    tok.train_from_iterator(texts + ["Generate a Japanese question for this passage:"], trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", special_tokens=[("</s>", tok.token_to_id("</s>"))]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        model_max_length=512,
    )
    torch.manual_seed(args.seed)
    config = MT5Config(
        vocab_size=len(fast),
        d_model=args.d_model,
        d_kv=args.d_model // args.heads,
        d_ff=args.d_model * 2,
        num_layers=args.layers,
        num_decoder_layers=args.layers,
        num_heads=args.heads,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
        dropout_rate=0.0,
    )
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    MT5ForConditionalGeneration(config).save_pretrained(partial)
    fast.save_pretrained(partial)
    partial.rename(out)


def write_triples(path: Path, passages, doc_ids: list[str], bundled, per_language: int) -> int:
    """Bundled questions of ``doc_ids`` (up to ``per_language`` each), as JSONL triples."""
    n = 0
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as f:
        for doc_id in doc_ids:
            title, text = passages[doc_id]
            for lang, questions in bundled[doc_id].items():
                for q in list(dict.fromkeys(questions))[:per_language]:
                    row = {"question": q, "lang": lang, "title": title, "text": text}
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
    partial.rename(path)
    return n


def _run(cmd: list[str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}; see {log}")
    return time.perf_counter() - start


def generate(model: Path, corpus: Path, out: Path, args: argparse.Namespace, log: Path) -> float:
    if out.exists():
        return 0.0
    cmd = [sys.executable, "-m", "xqg_pyserini.generate", "--model", str(model)]
    cmd += ["--corpus", str(corpus), "--output", str(out), "--no-progress"]
    cmd += ["--queries-per-language", str(args.queries_per_language), "--max-length", "32"]
    cmd += ["--max-input-length", "128", "--batch-size", "8", "--seed", str(args.seed)]
    return _run(cmd + list(args.generate_flag), log)


def self_retrieval(
    index: Path, questions: dict[str, dict[str, tuple[str, ...]]], k: int, expected: int
) -> dict[str, float]:
    """Per language: the share of the ``expected`` questions that find their own passage
    in the top ``k`` (a question the model left empty counts as not found)."""
    import faiss
    import numpy as np

    from xqg_pyserini.encoders.spec import resolve_encoder_spec
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    spec = resolve_encoder_spec(str(index))
    encoder = TransformerEncoder(spec.settings, dtype=spec.dtype)
    faiss_index = faiss.read_index(str(index / "index"))
    docids = (index / "docid").read_text("utf-8").split("\n")
    shares = {}
    for lang in LANGUAGES:
        pairs = [(d, q) for d, qs in questions.items() for q in qs.get(lang, ())]
        if not pairs:
            shares[lang] = 0.0
            continue
        vectors = np.concatenate(
            [
                encoder.encode_queries([q for _, q in pairs[i : i + 64]])
                for i in range(0, len(pairs), 64)
            ]
        ).astype("float32")
        _, found = faiss_index.search(vectors, k)
        hits = sum(d in {docids[j] for j in row} for (d, _), row in zip(pairs, found, strict=True))
        shares[lang] = hits / expected
    return shares


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, required=True, help="a plain xqg-demo index built here")
    p.add_argument("--work", type=Path, default=Path("runs/generator-proof"))
    p.add_argument("--max-steps", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--d-model", type=int, default=192)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--vocab-size", type=int, default=8000)
    p.add_argument("--queries-per-language", type=int, default=3)
    p.add_argument("--seed", type=int, default=313)
    p.add_argument("--k", type=int, default=10)
    p.add_argument(
        "--no-bundled-targets",
        dest="bundled_targets",
        action="store_false",
        help="train on xqg-demo/train's 560 pairs only",
    )
    p.add_argument(
        "--generate-flag",
        action="append",
        default=[],
        help="an extra flag for python -m xqg_pyserini.generate (repeatable, e.g. --engine=hf)",
    )
    p.add_argument("--overwrite", action="store_true")
    args = p.parse_args(argv)
    work: Path = args.work
    if args.overwrite:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    passages = _demo_passages()
    held_out = _dev_gold()
    bundled = _bundled()
    record: dict = {"held_out_passages": len(held_out)}
    record["settings"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}

    init = work / "init"
    if not init.exists():
        build_model(init, list(_texts(passages, bundled)), args)
    corpus = work / "held_out.jsonl"
    if not corpus.exists():
        corpus.write_text(
            "".join(
                json.dumps({"id": d, "title": passages[d][0], "text": passages[d][1]}) + "\n"
                for d in held_out
            ),
            "utf-8",
        )
    # dev: one bundled question per language of DEV_PASSAGES passages that are
    # neither held out nor trained on; picks the best checkpoint
    rest = [d for d in passages if d not in set(held_out)]
    dev_ids = sorted(random.Random(args.seed).sample(rest, DEV_PASSAGES), key=rest.index)
    dev = work / "dev.jsonl"
    if not dev.exists():
        write_triples(dev, passages, dev_ids, bundled, 1)
    train_data = ["xqg-demo/train"]
    if args.bundled_targets:
        extra = work / "bundled_targets.jsonl"
        if not extra.exists():
            train_ids = [d for d in rest if d not in set(dev_ids)]
            record["bundled_targets"] = write_triples(extra, passages, train_ids, bundled, 5)
        train_data.append(str(extra))
    trained = work / "trained"
    if not trained.exists():
        cmd = [sys.executable, "-m", "xqg_pyserini.train", "generator", "--model", str(init)]
        cmd += ["--train-data", *train_data, "--dev-data", str(dev), "--output", str(trained)]
        cmd += ["--max-steps", str(args.max_steps), "--batch-size", str(args.batch_size)]
        cmd += ["--gradient-accumulation-steps", "1", "--learning-rate", str(args.learning_rate)]
        cmd += ["--eval-every", str(max(args.max_steps // 5, 1)), "--max-input-length", "128"]
        cmd += ["--max-target-length", "32", "--seed", str(args.seed), "--no-progress"]
        record["train_wall_s"] = _run(cmd, work / "train.log")
    record["generate_wall_s"] = {
        "trained": generate(trained, corpus, work / "trained.jsonl", args, work / "gen-t.log"),
        "untrained": generate(init, corpus, work / "untrained.jsonl", args, work / "gen-u.log"),
    }
    from xqg_pyserini.data.generated import read_generated_queries

    sets = {
        name: {r.doc_id: r.queries for r in read_generated_queries(work / f"{name}.jsonl")}
        for name in ("trained", "untrained")
    }
    n = args.queries_per_language
    sets["bundled"] = {
        d: {lang: qs[:n] for lang, qs in bundled[d].items()} for d in held_out if d in bundled
    }
    record["top_k_self_retrieval"] = {
        name: self_retrieval(args.index, questions, args.k, len(held_out) * n)
        for name, questions in sets.items()
    }
    record["questions"] = {
        name: sum(len(qs) for q in questions.values() for qs in q.values())
        for name, questions in sets.items()
    }
    record["examples"] = {
        name: {lang: list(questions[held_out[0]].get(lang, ()))[:2] for lang in LANGUAGES}
        for name, questions in sets.items()
    }
    training_record = trained / "training_record.json"
    if training_record.exists():
        record["training_record"] = str(training_record)
    (work / "proof.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
    header = f"{'questions':<10}" + "".join(f"{lang:>7}" for lang in LANGUAGES) + "    avg"
    print(f"share of questions finding their own passage in the top {args.k}:")
    print(header)
    for name, shares in record["top_k_self_retrieval"].items():
        avg = sum(shares.values()) / len(shares)
        cells = "".join(f"{100 * v:7.1f}" for v in shares.values())
        print(f"{name:<10}{cells}{100 * avg:7.1f}")
    if "train_wall_s" in record:
        print(f"training: {record['train_wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

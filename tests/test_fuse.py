"""``python -m xqg_pyserini.fuse``: ranx fusion of TREC runs, against hand-computed values.

Runs are written by hand with xqg-demo/dev and xqg-demo/train question ids and
docids, so the dataset checks are real. Expected RRF and weighted-sum scores are
computed here from the definitions, not through ranx.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xqg_pyserini.eval.run_file import read_trec_run
from xqg_pyserini.fuse import build_parser, main
from xqg_pyserini.fusion import METHODS, FusionError, check_metric, record_path

Ranking = dict[str, list[tuple[str, float]]]


def write_run(path: Path, ranking: Ranking, tag: str = "sys") -> Path:
    """A TREC run from ``{qid: [(docid, score), ...]}``, best first."""
    with path.open("w", encoding="utf-8") as out:
        for qid, hits in ranking.items():
            for rank, (docid, score) in enumerate(hits, start=1):
                out.write(f"{qid} Q0 {docid} {rank} {score:.6f} {tag}\n")
    return path


def read_fused(path: Path) -> dict[str, list[tuple[str, int, float]]]:
    """``{qid: [(docid, rank, score), ...]}`` in file order, tag checked."""
    out: dict[str, list[tuple[str, int, float]]] = {}
    for line in path.read_text("utf-8").splitlines():
        qid, q0, docid, rank, score, tag = line.split()
        assert (q0, tag) == ("Q0", "fused")
        out.setdefault(qid, []).append((docid, int(rank), float(score)))
    return out


def gold_passages(split: str) -> dict[str, str]:
    """``{qid: gold docid}`` of an xqg-demo split, in the dataset's order."""
    from xqg_pyserini.irds.load import load_dataset

    gold: dict[str, str] = {}
    for qrel in load_dataset(f"xqg-demo/{split}").qrels_iter():
        gold.setdefault(qrel.query_id, qrel.doc_id)
    return gold


def far(docid: str, n: int) -> list[str]:
    """``n`` docids far from ``docid`` (docids are "1".."5500")."""
    start = (int(docid) + 2700) % 5000 + 1
    return [str(start + i) for i in range(n)]


@pytest.fixture(scope="module")
def dev() -> dict[str, str]:
    return gold_passages("dev")


@pytest.fixture()
def tiny(tmp_path: Path) -> dict[str, Path]:
    """Two runs of three dev questions: ar-1 in both, ar-2 only in a, ar-dev-001 only in b."""
    a = {
        "ar-1": [("11", 10.0), ("12", 6.0), ("13", 2.0)],
        "ar-2": [("14", 5.0), ("15", 4.0)],
    }
    b = {"ar-1": [("12", 0.9), ("16", 0.3)], "ar-dev-001": [("17", 0.5)]}
    return {"a": write_run(tmp_path / "a.trec", a), "b": write_run(tmp_path / "b.trec", b)}


def fuse(tmp_path: Path, runs: dict[str, Path], *extra: str, name: str = "fused.trec") -> Path:
    output = tmp_path / name
    argv = ["--runs", *(f"{n}={p}" for n, p in runs.items()), "--output", str(output), *extra]
    assert main(argv) == 0
    return output


@pytest.mark.parametrize("k", [None, 10])
def test_rrf_by_hand(tmp_path, tiny, k, capsys):
    output = fuse(tmp_path, tiny, *([] if k is None else ["--params", json.dumps({"k": k})]))
    k = 60 if k is None else k
    fused = read_fused(output)
    expected = {  # sum over the runs that rank a passage of 1 / (k + rank)
        "ar-1": {
            "12": 1 / (k + 2) + 1 / (k + 1),
            "11": 1 / (k + 1),
            "16": 1 / (k + 2),
            "13": 1 / (k + 3),
        },
        "ar-2": {"14": 1 / (k + 1), "15": 1 / (k + 2)},  # only in run a
        "ar-dev-001": {"17": 1 / (k + 1)},  # only in run b
    }
    assert list(fused) == ["ar-1", "ar-2", "ar-dev-001"]  # first run's order, then b's new
    for qid, scores in expected.items():
        order = sorted(scores, key=lambda d: -scores[d])
        assert [d for d, _, _ in fused[qid]] == order
        assert [r for _, r, _ in fused[qid]] == list(range(1, len(order) + 1))
        assert [s for _, _, s in fused[qid]] == pytest.approx([scores[d] for d in order])
    assert f"written to {output}" in capsys.readouterr().out


def test_weighted_sum_min_max_by_hand(tmp_path, tiny):
    output = fuse(tmp_path, tiny, "--method", "wsum", "--weights", "0.7", "0.3")
    # min-max per question: a's ar-1 10, 6, 2 -> 1, .5, 0; b's ar-1 .9, .3 -> 1, 0;
    # a single passage has max = min and scores 0 (ranx divides by max(max - min, 1e-9))
    expected = {
        "ar-1": [("11", 0.7), ("12", 0.7 * 0.5 + 0.3), ("13", 0.0), ("16", 0.0)],
        "ar-2": [("14", 0.7), ("15", 0.0)],
        "ar-dev-001": [("17", 0.0)],
    }  # equal scores are ordered by docid
    fused = read_fused(output)
    for qid, hits in expected.items():
        assert [d for d, _, _ in fused[qid]] == [d for d, _ in hits]
        assert [s for _, _, s in fused[qid]] == pytest.approx([s for _, s in hits])
    raw = read_fused(
        fuse(
            tmp_path,
            tiny,
            "--method",
            "wsum",
            "--weights",
            "0.7",
            "0.3",
            "--norm",
            "none",
            name="raw.trec",
        )
    )
    assert [s for _, _, s in raw["ar-1"]] == pytest.approx([7.0, 0.7 * 6 + 0.3 * 0.9, 1.4, 0.09])


def test_scores_reproduce_ranks_and_hits_cut(tmp_path, dev):
    qids = list(dev)[:20]
    # RRF scores a few 1e-12 apart (k = 10**6) and exact ties: ranks must survive a round
    # trip through the file, ties broken by docid
    a = {q: [(d, 1.0) for d in far(dev[q], 30)] for q in qids}
    b = {q: [(d, 1.0) for d in far(dev[q], 40)[::-1]] for q in qids}
    runs = {"a": write_run(tmp_path / "a.trec", a), "b": write_run(tmp_path / "b.trec", b)}
    output = fuse(tmp_path, runs, "--hits", "25", "--params", json.dumps({"k": 10**6}))
    fused = read_trec_run(output)
    assert list(fused) == qids
    for hits in fused.values():
        assert len(hits) == 25 and [h.rank for h in hits] == list(range(1, 26))
        again = sorted(hits, key=lambda h: (-h.score, h.doc_id))
        assert again == hits


def test_config_file(tmp_path, tiny):
    config = tmp_path / "fuse.json"
    config.write_text(json.dumps({"method": "wsum", "params": {"weights": [1, 0]}, "hits": 1}))
    fused = read_fused(fuse(tmp_path, tiny, "--config", str(config)))
    assert {q: [d for d, _, _ in h] for q, h in fused.items()} == {
        "ar-1": ["11"],
        "ar-2": ["14"],
        "ar-dev-001": ["17"],
    }


def optimisation_runs(tmp_path: Path, split: str, count: int) -> dict[str, Path]:
    """Runs "good" and "noisy" of the first ``count`` questions of an xqg-demo split.

    On three questions in four, "good" ranks the gold passage first and "noisy"
    fifth; on every fourth, "good" ranks a decoy first and the gold passage
    second (scores 2.0, 1.9), while "noisy" ranks the gold passage first.
    """
    gold = gold_passages(split)
    good: Ranking = {}
    noisy: Ranking = {}
    for i, q in enumerate(list(gold)[:count]):
        others = far(gold[q], 20)  # good's tail 0-3, noisy's 10-13, the decoy 19
        tail = [(d, 1.0 - j / 10) for j, d in enumerate(others[:4])]
        noisy_top = [(d, 8.0 - j) for j, d in enumerate(others[10:14])]
        if i % 4:
            good[q] = [(gold[q], 2.0), *tail]
            noisy[q] = [(others[10], 9.0), *noisy_top[1:], (gold[q], 1.0)]
        else:
            good[q] = [(others[19], 2.0), (gold[q], 1.9), *tail]
            noisy[q] = [(gold[q], 9.0), *noisy_top]
    return {
        "good": write_run(tmp_path / f"{split}-good.trec", good),
        "noisy": write_run(tmp_path / f"{split}-noisy.trec", noisy),
    }


def test_weights_optimised_on_train(tmp_path, capsys):
    dev_runs = optimisation_runs(tmp_path, "dev", 40)
    train = optimisation_runs(tmp_path, "train", 40)
    train_argv = ["--train-runs", *(f"{n}={p}" for n, p in train.items())]
    output = fuse(
        tmp_path, dev_runs, "--method", "wsum", *train_argv, "--train-dataset", "xqg-demo/train"
    )
    record = json.loads(record_path(output).read_text("utf-8"))
    good, noisy = record["params"]["weights"]
    # MRR@100 by hand: good 3/4 * 1 + 1/4 * 1/2 = 0.875, noisy 3/4 * 1/5 + 1/4 * 1 = 0.4.
    # After min-max, with weights (w, 1 - w): the gold passage beats noisy's first when
    # w > 1 - w, and good's decoy (w) when 0.923 w + (1 - w) > w, i.e. w < 0.9286:
    # any w in (0.5, 0.9286) ranks every gold passage first.
    assert 0.5 < good < 0.9286 and noisy == pytest.approx(1 - good)
    assert record["train_value"] == pytest.approx(1.0)
    assert record["train_value"] > max(0.875, 0.4)
    assert record["optimize_metric"] == "mrr@100"
    assert record["train_relevance"] == "qrels" and record["train_questions"] == 40
    assert record["train_dataset"] == "xqg-demo/train" and record["dataset"] == "xqg-demo/dev"
    assert record["train_runs"] == {n: str(p) for n, p in train.items()}
    assert record["runs"] == {n: str(p) for n, p in dev_runs.items()}
    assert (record["method"], record["norm"], record["hits"]) == ("wsum", "min-max", 100)
    assert record["versions"]["ranx"]
    assert "ranx chose" in capsys.readouterr().out
    # the record's params reproduce the fused run exactly
    again = fuse(
        tmp_path,
        dev_runs,
        "--method",
        "wsum",
        "--weights",
        str(good),
        str(noisy),
        name="again.trec",
    )
    assert again.read_text("utf-8") == output.read_text("utf-8")
    assert all(hits[0][0] == gold_passages("dev")[q] for q, hits in read_fused(output).items())


def test_answer_relevance_without_qrels(tmp_path, monkeypatch):
    """A training set without qrels (as XOR-TyDi) is judged by its answers."""
    from dataclasses import replace

    import xqg_pyserini.eval.questions as questions

    real = questions.load_questions
    monkeypatch.setattr(questions, "load_questions", lambda i: replace(real(i), qrels=None))
    from xqg_pyserini.fusion import dataset_question_ids, read_runs, training_qrels

    train = optimisation_runs(tmp_path, "train", 10)
    runs = read_runs(train, "xqg-demo/train", dataset_question_ids("xqg-demo/train"))
    qrels, source = training_qrels(runs)
    gold = gold_passages("train")
    assert source == "answers"
    assert set(qrels) == set(runs.question_ids())
    assert all(qrels[q].get(gold[q]) == 1 for q in qrels)  # gold passages hold the answer
    dev_runs = optimisation_runs(tmp_path, "dev", 10)
    train_argv = ["--train-runs", *(f"{n}={p}" for n, p in train.items())]
    output = fuse(
        tmp_path, dev_runs, "--method", "wsum", *train_argv, "--train-dataset", "xqg-demo/train"
    )
    assert json.loads(record_path(output).read_text("utf-8"))["train_relevance"] == "answers"


def test_refuses_to_overwrite(tmp_path, tiny, capsys):
    output = fuse(tmp_path, tiny, "--tag", "fused")
    before = output.read_text("utf-8")
    argv = ["--runs", f"a={tiny['a']}", f"b={tiny['b']}", "--output", str(output)]
    assert main([*argv, "--hits", "1"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert output.read_text("utf-8") == before
    assert main([*argv, "--hits", "1", "--overwrite"]) == 0
    assert len(output.read_text("utf-8").splitlines()) == 3
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left
    output.unlink()  # the record alone also blocks
    assert main([*argv]) == 2 and "fused.trec.json exists" in capsys.readouterr().err
    assert not output.exists()


def bad_cases(dev_runs: dict[str, Path], train: dict[str, Path], tmp: Path) -> list:
    """``(argv, message)`` for every input the command must refuse."""
    a, b = (f"{n}={p}" for n, p in dev_runs.items())
    ta, tb = (f"{n}={p}" for n, p in train.items())
    malformed = tmp / "bad.trec"
    malformed.write_text("ar-1 Q0 1 1 2.0 x\nar-1 Q0 2 2 high x\n", "utf-8")
    other = write_run(tmp / "train-as-dev.trec", {"ar-train-001": [("1", 1.0)]})
    train_dev = write_run(tmp / "dev-as-train.trec", {"ar-1": [("1", 1.0)]})
    t = ["--train-dataset", "xqg-demo/train"]
    ab = ["--runs", a, b]
    trained = [*ab, "--train-runs", ta, tb, *t]
    wsum = ["--method", "wsum"]
    return [
        (["--runs", a], "two or more runs, got 1"),
        (["--runs", a, f"good={dev_runs['noisy']}"], "'good' is given twice"),
        (["--runs", a, "b=/no/such.trec"], "run file not found: /no/such.trec"),
        (
            ["--runs", a, f"bad={malformed}"],
            f"{malformed}:2: expected a finite score (a decimal number), got 'high'",
        ),
        (
            ["--runs", a, f"x={other}"],
            f"{other}: question 'ar-train-001' is not a question of xqg-demo/dev; "
            "do the runs belong to another dataset?",
        ),
        (
            [*ab, "--train-runs", ta, f"noisy={train_dev}", *t],
            f"{train_dev}: question 'ar-1' is not a question of xqg-demo/train",
        ),
        ([*ab, "--train-runs", ta, f"x={train['noisy']}", *t], "same systems, named as the runs"),
        ([*ab, "--train-runs", tb, ta, *t], "runs good, noisy; training runs noisy, good"),
        ([*ab, "--train-runs", ta, tb], "training runs without a training dataset"),
        ([*ab, *t], "a training dataset or metric without training runs"),
        ([*ab, "--optimize-metric", "ndcg@10"], "without training runs"),
        ([*trained, *wsum, "--optimize-metric", "nope@10"], "'nope@10' is not a ranx metric"),
        ([*trained, "--method", "sum"], "'sum' has no parameters to optimise"),
        ([*trained, *wsum, "--weights", "1", "1"], "--weights or --train-runs, not both"),
        ([*trained, "--params", '{"k": 60}'], "optimiser for 'rrf' has no option k"),
        ([*ab, *wsum, "--weights", "1"], "2 runs, 1 weights"),
        ([*ab, "--weights", "0.5", "0.5"], "'rrf' takes no weights; weighted methods:"),
        ([*ab, *wsum], "'wsum' needs weights"),
        ([*ab, "--params", '{"phi": 1}'], "'rrf' takes no parameter phi"),
        ([*ab, "--params", "k=60"], "--params 'k=60': not valid JSON"),
        ([*ab, "--params", '{"k": "sixty"}'], "ranx's rrf rejected params"),
        ([*ab, "--tag", "two words"], "the run tag must be one word"),
        ([*ab, "--dataset", "xqg-demo/nope"], "unknown ir_datasets id"),
    ]


def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys):
    dev_runs = optimisation_runs(tmp_path, "dev", 3)
    train = optimisation_runs(tmp_path, "train", 3)
    cases = bad_cases(dev_runs, train, tmp_path)
    before = sorted(tmp_path.iterdir())
    output = tmp_path / "out" / "fused.trec"
    for argv, message in cases:
        assert main([*argv, "--output", str(output)]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: "), err
        assert message in err, (message, err)
        assert sorted(tmp_path.iterdir()) == before, argv  # nothing written, not even out/


def test_eval_scores_the_fused_run(tmp_path, dev):
    """A run with the gold passage second, fused with one that has it first: RRF puts it
    first, so MRR under the qrels goes from 0.5 to 1."""
    from xqg_pyserini.eval.__main__ import main as eval_main

    qids = [q for q in dev if q.endswith(("-dev-001", "-dev-002"))]
    second = {q: [(far(dev[q], 1)[0], 2.0), (dev[q], 1.0)] for q in qids}
    first = {q: [(dev[q], 5.0), (far(dev[q], 3)[2], 4.0)] for q in qids}
    runs = {
        "second": write_run(tmp_path / "second.trec", second),
        "first": write_run(tmp_path / "first.trec", first),
    }
    fused = fuse(tmp_path, runs)
    argv = ["--dataset", "xqg-demo/dev", "--runs", f"second={runs['second']}", f"fused={fused}"]
    argv += ["--metrics", "mrr@100", "--qrels-metrics", "mrr@100", "--permutations", "100"]
    assert eval_main([*argv, "--plot-metrics", "--output", str(tmp_path / "report")]) == 0
    report = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))
    assert report["runs"]["second"]["qrels:mrr@100"]["avg"] == pytest.approx(0.5)
    assert report["runs"]["fused"]["qrels:mrr@100"]["avg"] == pytest.approx(1.0)


def test_methods_are_exactly_ranx_methods():
    from ranx import fusion

    reached = {fusion.fusion_switch(name) for name in METHODS}
    ranx_methods = {getattr(fusion, f) for f in fusion.__all__ if not f.endswith("_train")}
    assert reached == ranx_methods


def test_metric_check():
    check_metric("mrr@100")
    check_metric("ndcg@10")
    for bad in ("mrr@ten", "nope", "rbp"):
        with pytest.raises(FusionError, match="not a ranx metric"):
            check_metric(bad)


def test_help_explains_every_flag_and_method_without_ranx():
    parser = build_parser()
    for action in parser._actions:
        assert action.help, action.option_strings
    code = (
        "import sys; from xqg_pyserini.fuse import build_parser; "
        "print(build_parser().format_help()); print('ranx' in sys.modules, 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *help_lines, loaded = done.stdout.rstrip("\n").splitlines()
    assert loaded == "False False"
    text = "\n".join(help_lines)
    for name in METHODS:
        assert f"  {name} " in text
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in text

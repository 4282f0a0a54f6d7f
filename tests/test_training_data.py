"""Training data for the retriever: Tevatron JSONL, named sets, mining, synthetic pairs, parallel.

Real components on tiny files in tmp_path; mining runs on the bundled
``xqg-demo/train`` split (qrels and answers) and on ``xor-tydi/retrieve/train``
built from local copies (answers, no qrels). IR_DATASETS_HOME is private to
each test and downloads fail loudly, so nothing is ever fetched.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import ir_datasets
import pytest

from xqg_pyserini import train
from xqg_pyserini.cli import train_mine
from xqg_pyserini.encoders.augment import AugmentSettings, AugmentSummary, select_questions
from xqg_pyserini.errors import CorpusFormatError, DatasetError, OutputExistsError
from xqg_pyserini.eval.run_file import RunFormatError
from xqg_pyserini.irds import xor_tydi, xqg_demo
from xqg_pyserini.irds.load import load_dataset
from xqg_pyserini.irds.sources import DatasetFileMissingError
from xqg_pyserini.training.data.mine import MineRequest, mine_training_data, sample_negatives
from xqg_pyserini.training.data.parallel import (
    read_parallel_questions,
    write_parallel_questions,
)
from xqg_pyserini.training.data.sources import (
    ENV_VAR,
    TRAINING_SETS,
    load_training_data,
    training_data_files,
)
from xqg_pyserini.training.data.synthetic import synthetic_examples
from xqg_pyserini.training.data.tevatron import read_tevatron, write_tevatron
from xqg_pyserini.training.examples import ParallelQuestion, TrainingExample, TrainingPassage

P = TrainingPassage


def jsonl(records: list[object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write(path: Path, text: str) -> Path:
    """UTF-8 text as is, gzip-compressed if the name ends in .gz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def record(qid: object = "q1", **changes: object) -> dict[str, object]:
    """A valid Tevatron line as Tevatron's files have it (int docids), with changes."""
    line: dict[str, object] = {
        "query_id": qid,
        "query": "富士山の高さは？",
        "answers": ["3,776"],
        "positive_passages": [{"docid": 7, "title": "Mount Fuji", "text": "It is 3,776 m."}],
        "negative_passages": [{"docid": "9", "text": "Tokyo is a city."}],
    }
    line.update(changes)
    return {k: v for k, v in line.items() if v is not DROP}


DROP = object()
EXPECTED_Q1 = TrainingExample(
    "q1",
    "富士山の高さは？",
    (P("7", "Mount Fuji", "It is 3,776 m."),),
    (P("9", "", "Tokyo is a city."),),
    ("3,776",),
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, no local-copy directories, downloads that fail."""
    home = tmp_path / "irds-home"
    monkeypatch.setenv("IR_DATASETS_HOME", str(home))
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv(xor_tydi.ENV_VAR, raising=False)
    monkeypatch.setenv("IR_DATASETS_DL_DISABLE_PBAR", "true")

    def no_network(self: object) -> None:
        raise ConnectionError(f"network disabled in tests: {self.url}")  # type: ignore[attr-defined]

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", no_network)
    return home


# ------------------------------------------------------------------------- Tevatron JSONL


@pytest.mark.parametrize("name", ["train.jsonl", "train.jsonl.gz"])
def test_tevatron_lines_are_read_with_ids_as_strings_and_defaults(
    tmp_path: Path, name: str
) -> None:
    no_answers = record("q2", answers=DROP, negative_passages=[])
    path = write(tmp_path / name, "\ufeff" + jsonl([record(1)]) + "\n" + jsonl([no_answers]))
    examples = list(read_tevatron(path))
    assert examples == [
        EXPECTED_Q1._replace(query_id="1"),
        EXPECTED_Q1._replace(query_id="q2", negatives=(), answers=()),
    ]


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_written_files_read_back_identically_and_deterministically(
    tmp_path: Path, name: str
) -> None:
    examples = [EXPECTED_Q1, EXPECTED_Q1._replace(query_id="q2", negatives=())]
    assert write_tevatron(examples, tmp_path / name) == 2
    assert list(read_tevatron(tmp_path / name)) == examples
    first = (tmp_path / name).read_bytes()
    write_tevatron(iter(examples), tmp_path / name, overwrite=True)
    assert (tmp_path / name).read_bytes() == first  # gzip without a timestamp
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_the_writer_refuses_an_existing_file_and_never_leaves_half_a_file(tmp_path: Path) -> None:
    out = write(tmp_path / "out.jsonl", "old\n")
    with pytest.raises(OutputExistsError, match=r"out\.jsonl exists; pass --overwrite"):
        write_tevatron([EXPECTED_Q1], out)

    def broken() -> object:
        yield EXPECTED_Q1
        raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        write_tevatron(broken(), out, overwrite=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has no positive passage"):
        write_tevatron([EXPECTED_Q1._replace(positives=())], out, overwrite=True)
    with pytest.raises(ValueError, match="'q1' appears twice"):
        write_tevatron([EXPECTED_Q1, EXPECTED_Q1], out, overwrite=True)
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


BAD_LINES = [
    ("{not json", r"not valid JSON"),
    ("[1, 2]", r"expected a JSON object, got list"),
    (record(query=DROP), r"missing field 'query' \(a Tevatron training line has query_id, "),
    (record(negative_passages=DROP), r"missing field 'negative_passages'"),
    (record(query=5), r"field 'query' must be a string, got int"),
    (record(None), r"field 'query_id' must be a non-empty string or integer, got null"),
    (record(""), r"field 'query_id' must be a non-empty string or integer, got str"),
    (record(answers="3,776"), r"field 'answers' must be a list of strings"),
    (record(positive_passages={}), r"field 'positive_passages' must be a list of passages"),
    (record(negative_passages=["x"]), r"negative_passages\[0\] must be an object \{docid"),
    (
        record(positive_passages=[{"docid": "1", "title": "t"}]),
        r"positive_passages\[0\] lacks field 'text'; expected \{docid, title, text\}",
    ),
    (
        record(positive_passages=[{"docid": True, "text": "t"}]),
        r"positive_passages\[0\]: field 'docid' must be a non-empty string or integer, got bool",
    ),
    (
        record(positive_passages=[{"docid": "1", "text": 3}]),
        r"positive_passages\[0\]: field 'text' must be a string, got int",
    ),
    (
        record(positive_passages=[]),
        r"query 'q1' has no positive_passages; every training query needs one",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES)
def test_each_malformed_line_is_one_line_naming_file_and_line(
    tmp_path: Path, bad: object, message: str
) -> None:
    text = bad if isinstance(bad, str) else json.dumps(bad)
    path = write(tmp_path / "train.jsonl", jsonl([record("q0")]) + text + "\n")
    with pytest.raises(CorpusFormatError) as info:
        list(read_tevatron(path))
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(f"{path}:2: ")
    assert re.search(message, str(info.value)), str(info.value)


def test_a_repeated_query_id_names_both_places_across_files(tmp_path: Path) -> None:
    a = write(tmp_path / "d" / "a.jsonl", jsonl([record("q1")]))
    b = write(tmp_path / "d" / "b.jsonl.gz", jsonl([record("q2"), record(1)]))
    write(tmp_path / "d" / "c.jsonl", jsonl([record("1")]))
    with pytest.raises(CorpusFormatError) as info:
        list(read_tevatron(tmp_path / "d"))
    assert (
        str(info.value) == f"{tmp_path / 'd' / 'c.jsonl'}:1: query_id '1' already appeared at {b}:2"
    )
    assert [e.query_id for e in read_tevatron([a, b])] == ["q1", "q2", "1"]


# ------------------------------------------------------------------------- named sets


def test_the_registered_sets_are_the_verified_raw_files() -> None:
    files = {
        name: [(f.name, f.url, f.env_var) for f in s.files] for name, s in TRAINING_SETS.items()
    }
    hf = "https://huggingface.co/datasets"
    assert files == {
        "Tevatron/xor-tydi": [
            (
                "xor-t2e-100w.jsonl.gz",
                f"{hf}/Tevatron/xor-tydi/resolve/main/train/xor-t2e-100w.jsonl.gz",
                "XQG_TRAINING_DATA_DIR",
            )
        ],
        "Tevatron/wikipedia-nq": [
            (
                "nq-train.jsonl.gz",
                f"{hf}/Tevatron/wikipedia-nq/resolve/main/nq-train.jsonl.gz",
                "XQG_TRAINING_DATA_DIR",
            )
        ],
    }


def test_a_named_set_is_read_from_the_local_copy_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "copies" / "xor-t2e-100w.jsonl.gz", jsonl([record("x1")]))
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "copies"))
    assert [e.query_id for e in load_training_data("Tevatron/xor-tydi")] == ["x1"]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(DatasetFileMissingError, match=r"^XQG_TRAINING_DATA_DIR=.*absent is not"):
        load_training_data("Tevatron/xor-tydi")


def test_a_named_set_is_read_from_the_ir_datasets_cache(isolated: Path) -> None:
    write(isolated / "Tevatron" / "wikipedia-nq" / "nq-train.jsonl.gz", jsonl([record("n1")]))
    assert [e.query_id for e in load_training_data("Tevatron/wikipedia-nq")] == ["n1"]


def test_a_missing_named_set_offline_is_one_line_with_the_fix(isolated: Path) -> None:
    with pytest.raises(DatasetFileMissingError) as info:
        load_training_data("Tevatron/wikipedia-nq")
    url = "https://huggingface.co/datasets/Tevatron/wikipedia-nq/resolve/main/nq-train.jsonl.gz"
    cache = isolated / "Tevatron" / "wikipedia-nq" / "nq-train.jsonl.gz"
    assert str(info.value) == (
        f"Tevatron/wikipedia-nq: could not download nq-train.jsonl.gz from {url} "
        f"(network disabled in tests: {url}); download it by hand and put it at {cache} "
        "(or nq-train.jsonl.gz.gz there), or put it in a directory named by "
        "$XQG_TRAINING_DATA_DIR"
    )
    assert not cache.exists()


def test_paths_directories_and_globs_are_training_data(tmp_path: Path) -> None:
    write(tmp_path / "d" / "b.jsonl.gz", jsonl([record("b")]))
    write(tmp_path / "d" / "a.jsonl", jsonl([record("a")]))
    write(tmp_path / "d" / ".hidden.jsonl", "broken")
    write(tmp_path / "d" / "notes.txt", "not training data")
    assert [e.query_id for e in load_training_data(tmp_path / "d")] == ["a", "b"]
    assert [e.query_id for e in load_training_data(str(tmp_path / "d" / "*.gz"))] == ["b"]
    assert [e.query_id for e in load_training_data(str(tmp_path / "d" / "a.jsonl"))] == ["a"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="directory holds no .jsonl"):
        training_data_files(tmp_path / "empty")


def test_an_unknown_source_names_the_registered_sets_and_a_close_one() -> None:
    with pytest.raises(DatasetError) as info:
        load_training_data("Tevatron/xor-tidy")
    assert str(info.value) == (
        "training data 'Tevatron/xor-tidy' is neither a registered set (Tevatron/xor-tydi, "
        "Tevatron/wikipedia-nq) nor an existing file, directory or glob pattern; "
        "did you mean Tevatron/xor-tydi?"
    )


# ------------------------------------------------------------------------- mining: xqg-demo


def demo_truth() -> tuple[list, dict[str, set[str]], dict[str, str]]:
    """The demo's first 12 train questions, their qrels and every passage text, read directly."""
    dataset = load_dataset("xqg-demo/train")
    queries = list(dataset.queries_iter())[:12]
    qrels: dict[str, set[str]] = {}
    for qrel in dataset.qrels_iter():
        qrels.setdefault(qrel.query_id, set()).add(qrel.doc_id)
    texts = {doc.doc_id: doc.text for doc in dataset.docs_iter()}
    return queries, qrels, texts


def holds_answer(text: str, answers: tuple[str, ...]) -> bool:
    return any(a in text for a in answers if a not in ("yes", "no"))


def write_demo_run(path: Path) -> dict[str, list[str]]:
    """A run of 12 demo questions: two others, the gold, every answer-holding passage, others."""
    queries, qrels, texts = demo_truth()
    rankings, docids = {}, list(texts)
    for i, query in enumerate(queries):
        holders = [d for d, t in texts.items() if holds_answer(t, query.answers)]
        others = [docids[(97 * i + 13 * k) % len(docids)] for k in range(40)]
        others = [d for d in others if d not in qrels[query.query_id] and d not in holders]
        ranking = others[:2] + sorted(qrels[query.query_id]) + holders + others[2:]
        rankings[query.query_id] = list(dict.fromkeys(ranking))
    lines = [
        f"{qid} Q0 {docid} {rank} {100 - rank:.1f} demo\n"
        for qid, ranking in rankings.items()
        for rank, docid in enumerate(ranking, start=1)
    ]
    path.write_text("".join(reversed(lines)), "utf-8")  # file order must not matter
    return rankings


def mine(tmp_path: Path, name: str = "out.jsonl", **options: object) -> list[TrainingExample]:
    request = MineRequest(
        dataset=str(options.pop("dataset", "xqg-demo/train")),
        run=tmp_path / "run.trec",
        output=tmp_path / name,
        progress=False,
        **options,  # type: ignore[arg-type]
    )
    mine_training_data(request)
    return list(read_tevatron(tmp_path / name))


def test_mined_negatives_are_never_relevant_nor_answer_holding(tmp_path: Path) -> None:
    rankings = write_demo_run(tmp_path / "run.trec")
    queries, qrels, texts = demo_truth()
    answers = {q.query_id: q.answers for q in queries}
    examples = {e.query_id: e for e in mine(tmp_path, negatives=10, depth=30)}
    every = [q.query_id for q in load_dataset("xqg-demo/train").queries_iter()]
    assert list(examples) == every  # every demo question has a qrels positive
    holders_ranked = 0
    for qid, ranking in rankings.items():
        example = examples[qid]
        assert {p.docid for p in example.positives} == qrels[qid]
        assert example.answers == answers[qid]
        negatives = [p.docid for p in example.negatives]
        assert len(negatives) == 10 and len(set(negatives)) == 10
        assert all(d in ranking[:30] for d in negatives)
        assert negatives == sorted(negatives, key=ranking.index)  # rank order kept
        for docid in negatives:
            assert docid not in qrels[qid]
            assert not holds_answer(texts[docid], answers[qid])
        holders_ranked += sum(holds_answer(texts[d], answers[qid]) for d in ranking[:30])
        for passage in (*example.positives, *example.negatives):
            assert passage.text == texts[passage.docid] and passage.title
    assert holders_ranked > len(rankings)  # the run did offer answer-holding non-gold passages
    unranked = [qid for qid in every if qid not in rankings]
    assert unranked and all(examples[qid].negatives == () for qid in unranked)  # positives only


def test_mining_is_reproducible_and_the_seed_and_skip_top_matter(tmp_path: Path) -> None:
    rankings = write_demo_run(tmp_path / "run.trec")
    first = mine(tmp_path, "a.jsonl.gz", negatives=5)
    second = mine(tmp_path, "b.jsonl.gz", negatives=5)
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert first == second
    other_seed = mine(tmp_path, "c.jsonl", negatives=5, seed=7)
    assert [e.negatives for e in other_seed] != [e.negatives for e in first]
    skipped = mine(tmp_path, "d.jsonl", negatives=100, skip_top=2)
    for example in skipped:
        top = rankings.get(example.query_id, [])[:2]
        assert not {p.docid for p in example.negatives} & set(top)
    assert sample_negatives(list("abcdef"), 3, 42, "q") == sample_negatives(
        list("abcdef"), 3, 42, "q"
    )
    assert sample_negatives(list("ab"), 3, 42, "q") == ["a", "b"]


def test_bad_depth_and_skip_top_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="depth must be at least 1"):
        MineRequest("xqg-demo/train", tmp_path / "r", tmp_path / "o", depth=0)
    with pytest.raises(ValueError, match=r"skip-top must be in \[0, depth\) = \[0, 5\), got 5"):
        MineRequest("xqg-demo/train", tmp_path / "r", tmp_path / "o", depth=5, skip_top=5)


# ------------------------------------------------------------------------- mining: answers only

XOR_CORPUS = (
    "id\ttext\ttitle\n"
    "1\tMount Fuji is 3,776 metres high.\tMount Fuji\n"
    "2\tTokyo is the capital of Japan.\tTokyo\n"
    "3\tThe Nile is long.\tNile\n"
    "4\tParis is in France.\tParis\n"
    "5\tFuji rises west of Tokyo.\tFuji\n"
    "6\tOsaka is a city.\tOsaka\n"
    "7\tKyoto was a capital.\tKyoto\n"
    "8\tNothing to see.\tNothing\n"
)
XOR_TRAIN = [
    {"id": "q1", "question": "富士山の高さは？", "answers": ["3,776"], "lang": "ja"},
    {"id": "q2", "question": "日本の首都は？", "answers": ["Tokyo", "yes"], "lang": "ja"},
    {"id": "q3", "question": "アトランティスは？", "answers": ["Atlantis"], "lang": "ja"},
    {"id": "q4", "question": "東京は首都ですか？", "answers": ["yes"], "lang": "ja"},
]


def xor_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: dict[str, list[str]]) -> None:
    copies = tmp_path / "xor"
    write(copies / xor_tydi.CORPUS_FILE, XOR_CORPUS)
    write(copies / xor_tydi.QUERY_FILES["train"], jsonl(XOR_TRAIN))  # type: ignore[arg-type]
    monkeypatch.setenv(xor_tydi.ENV_VAR, str(copies))
    lines = [
        f"{qid} Q0 {d} {rank} 1.0 bm25\n"
        for qid, docs in run.items()
        for rank, d in enumerate(docs, start=1)
    ]
    write(tmp_path / "run.trec", "".join(lines))


def test_without_qrels_passages_holding_an_answer_are_the_positives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = {"q1": ["2", "1", "3", "4", "6"], "q2": ["1", "2", "3", "5", "7", "8"], "q3": ["1"]}
    xor_files(tmp_path, monkeypatch, run)
    argv = ["--dataset", "xor-tydi/retrieve/train", "--run", str(tmp_path / "run.trec")]
    assert train.main(["mine", *argv, "--output", str(tmp_path / "o.jsonl"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"mined 4 questions of xor-tydi/retrieve/train into {tmp_path / 'o.jsonl'}: 2 written, "
        "2 skipped (no positive), 1 not in the run, 2 with fewer negatives than asked "
        "(positives from answers)\n"
    )
    examples = list(read_tevatron(tmp_path / "o.jsonl"))
    assert [
        (e.query_id, [p.docid for p in e.positives], [p.docid for p in e.negatives])
        for e in examples
    ] == [  # fmt: skip
        ("q1", ["1"], ["2", "3", "4", "6"]),
        ("q2", ["2", "5"], ["1", "3", "7", "8"]),
    ]
    assert examples[0].positives[0] == P("1", "Mount Fuji", "Mount Fuji is 3,776 metres high.")
    assert examples[1].answers == ("Tokyo", "yes")
    depth_two = mine(tmp_path, "p.jsonl", dataset="xor-tydi/retrieve/train", depth=2)
    assert [[p.docid for p in e.positives] for e in depth_two] == [["1"], ["2"]]


def test_a_run_of_another_dataset_or_corpus_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tmp_path / "run.trec"
    xor_files(tmp_path, monkeypatch, {"q1": ["1", "2"], "ar-train-001": ["3"]})
    with pytest.raises(RunFormatError) as info:
        mine(tmp_path, dataset="xor-tydi/retrieve/train")
    assert str(info.value) == (
        f"{run}: question 'ar-train-001' is not a query of xor-tydi/retrieve/train "
        "(a run of another dataset?)"
    )
    xor_files(tmp_path, monkeypatch, {"q1": ["1", "4459"]})
    with pytest.raises(RunFormatError) as info:
        mine(tmp_path, dataset="xor-tydi/retrieve/train")
    assert str(info.value) == (
        f"{run}: docid '4459' (question 'q1') is not in the corpus of xor-tydi/retrieve/train"
    )
    assert not (tmp_path / "out.jsonl").exists()


def test_a_qrels_docid_missing_from_the_corpus_is_one_line(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(xqg_demo.directory(), demo)
    with (demo / xqg_demo.QRELS_FILES["train"]).open("a") as qrels:
        qrels.write("ar-train-002 0 99999 1\n")
    write(tmp_path / "run.trec", "ar-train-001 Q0 1 1 1.0 x\n")
    previous = xqg_demo.set_directory(demo)
    try:
        with pytest.raises(DatasetError) as info:
            mine(tmp_path)
    finally:
        xqg_demo.set_directory(previous)
    assert str(info.value) == (
        "xqg-demo/train: qrels of query 'ar-train-002' judge docid '99999' relevant, "
        "but it is not in the corpus"
    )


# ------------------------------------------------------------------------- the mine CLI


def test_the_cli_refuses_an_existing_output_and_takes_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_demo_run(tmp_path / "run.trec")
    out = write(tmp_path / "out.jsonl", "keep\n")
    config = write(
        tmp_path / "mine.json",
        json.dumps(
            {
                "dataset": "xqg-demo/train",
                "run": str(tmp_path / "run.trec"),
                "output": str(out),
                "negatives": 3,
                "no-progress": True,
            }
        ),  # fmt: skip
    )
    assert train.main(["mine", "--config", str(config)]) == 2
    assert capsys.readouterr().err == f"error: {out} exists; pass --overwrite to replace it\n"
    assert out.read_text() == "keep\n"
    assert train_mine.main(["--config", str(config), "--overwrite"]) == 0
    assert {len(e.negatives) for e in read_tevatron(out)} == {0, 3}
    with pytest.raises(SystemExit):
        train_mine.main(["--dataset", "xqg-demo/train"])
    assert "required: --run, --output" in capsys.readouterr().err


def test_the_cli_help_explains_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    parser = train_mine.build_parser()
    assert parser.prog == "python -m xqg_pyserini.train mine"
    for action in parser._actions:
        assert action.help, action.option_strings
    with pytest.raises(SystemExit):
        train.main(["mine", "--help"])
    text = capsys.readouterr().out
    for flag in ("--dataset", "--run", "--output", "--depth", "--negatives", "--seed",
                 "--skip-top", "--overwrite", "--config", "--no-progress"):  # fmt: skip
        assert flag in text


# ------------------------------------------------------------------------- synthetic pairs

SYNTH_CORPUS = [{"docid": f"d{i}", "title": f"T{i}", "text": f"passage {i}"} for i in range(10)]
SYNTH_GENERATED = [
    {"docid": "d2", "text": "", "generated_queries": {"ja": ["j0", "j1", "j2"], "ar": ["a0"]}},
    {"docid": "d5", "text": "", "generated_queries": {"en": ["e0"], "ko": ["k0", "k1"]}},
]


def synthetic(tmp_path: Path, **options: object) -> list[TrainingExample]:
    corpus = write(tmp_path / "corpus.jsonl", jsonl(SYNTH_CORPUS))  # type: ignore[arg-type]
    generated = write(tmp_path / "gen" / "g.jsonl", jsonl(SYNTH_GENERATED))  # type: ignore[arg-type]
    return synthetic_examples(generated, corpus, **options)  # type: ignore[arg-type]


def test_synthetic_pairs_use_the_index_selection_and_random_other_passages(tmp_path: Path) -> None:
    examples = synthetic(tmp_path, languages=("ja", "ko", "ar"), queries_per_language=2)
    assert [(e.query_id, e.query, e.positives) for e in examples] == [
        ("d2-ja-0", "j0", (P("d2", "T2", "passage 2"),)),
        ("d2-ja-1", "j1", (P("d2", "T2", "passage 2"),)),
        ("d2-ar-0", "a0", (P("d2", "T2", "passage 2"),)),
        ("d5-ko-0", "k0", (P("d5", "T5", "passage 5"),)),
        ("d5-ko-1", "k1", (P("d5", "T5", "passage 5"),)),
    ]
    # the same questions, in the same order, as the index's selection gives them
    settings = AugmentSettings(languages=("ja", "ko", "ar"), queries_per_language=2)
    expected = [
        q
        for g in SYNTH_GENERATED
        for q in select_questions(g["generated_queries"], settings, AugmentSummary())  # type: ignore[arg-type]
    ]
    assert [e.query for e in examples] == expected
    for example in examples:
        negatives = [p.docid for p in example.negatives]
        assert len(negatives) == 7 == len(set(negatives))
        assert example.positives[0].docid not in negatives
        assert all(p == P(p.docid, f"T{p.docid[1:]}", f"passage {p.docid[1:]}")
                   for p in example.negatives)  # fmt: skip
    again = synthetic(tmp_path, languages=("ja", "ko", "ar"), queries_per_language=2)
    assert again == examples
    reseeded = synthetic(tmp_path, languages=("ja", "ko", "ar"), queries_per_language=2, seed=1)
    assert [e.negatives for e in reseeded] != [e.negatives for e in examples]
    every_other = synthetic(tmp_path, languages=("ja",), negatives_per_query=50)
    assert [e.query_id for e in every_other] == ["d2-ja-0", "d2-ja-1", "d2-ja-2"]
    assert {len(e.negatives) for e in every_other} == {9}  # all other passages


def test_synthetic_pairs_from_an_ir_datasets_corpus(tmp_path: Path) -> None:
    with gzip.open(xqg_demo.directory() / xqg_demo.GENERATED_FILE, "rt", encoding="utf-8") as f:
        head = [json.loads(next(f)) for _ in range(2)]
    generated = write(tmp_path / "g.jsonl", jsonl(head))  # type: ignore[arg-type]
    examples = synthetic_examples(
        generated, "xqg-demo", languages=("fi",), queries_per_language=1, negatives_per_query=3
    )
    store = load_dataset("xqg-demo").docs_store()
    assert [e.query_id for e in examples] == [f"{r['docid']}-fi-0" for r in head]
    for example, line in zip(examples, head, strict=True):
        doc = store.get(line["docid"])
        assert example.query == line["generated_queries"]["fi"][0]
        assert example.positives == (P(doc.doc_id, doc.title, doc.text),)
        assert len(example.negatives) == 3 and line["docid"] not in {
            p.docid for p in example.negatives
        }


def test_a_generated_docid_missing_from_the_corpus_names_file_and_line(tmp_path: Path) -> None:
    SYNTH = [*SYNTH_GENERATED, {"docid": "zz", "text": "", "generated_queries": {"ja": ["q"]}}]
    corpus = write(tmp_path / "corpus.jsonl", jsonl(SYNTH_CORPUS))  # type: ignore[arg-type]
    generated = write(tmp_path / "g.jsonl", jsonl(SYNTH))  # type: ignore[arg-type]
    with pytest.raises(CorpusFormatError) as info:
        synthetic_examples(generated, corpus)
    assert str(info.value) == f"{generated}:3: docid 'zz' is not in the corpus {corpus}"


# ------------------------------------------------------------------------- parallel questions


def test_parallel_questions_round_trip(tmp_path: Path) -> None:
    questions = [
        ParallelQuestion("1", "ja", "富士山の高さは？", "How high is Mount Fuji?"),
        ParallelQuestion("q2", "te", "హైదరాబాద్ ఎక్కడ ఉంది?", "Where is Hyderabad?"),
    ]
    assert write_parallel_questions(questions, tmp_path / "p.jsonl.gz") == 2
    assert list(read_parallel_questions(tmp_path / "p.jsonl.gz")) == questions
    line = {"query_id": 1, "language": "ja", "query": "富士山の高さは？", "query_en": "How high?"}
    write(tmp_path / "int.jsonl", jsonl([line]))
    assert next(read_parallel_questions(tmp_path / "int.jsonl")).query_id == "1"
    with pytest.raises(ValueError, match="language 'en' is not one of ar, bn"):
        write_parallel_questions([questions[0]._replace(language="en")], tmp_path / "x.jsonl")


PARALLEL = {"query_id": "q1", "language": "ja", "query": "富士山は？", "query_en": "Fuji?"}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"language": "en"},
            "language 'en' is not one of ar, bn, fi, ja, ko, ru, te (the "
            "non-English side of the pair; English goes in query_en)",
        ),  # fmt: skip
        ({"language": "JA"}, "language 'JA' is not one of ar, bn, fi, ja, ko, ru, te"),
        (
            {"query_en": DROP},
            "missing field 'query_en' (a parallel-questions line has "
            "query_id, language, query, query_en)",
        ),  # fmt: skip
        ({"query": 3}, "field 'query' must be a non-empty string, got int"),
        ({"query": " "}, "field 'query' must be a non-empty string, got ' '"),
        ({"query_id": None}, "field 'query_id' must be a non-empty string or integer, got null"),
        ({"query_id": "q0"}, "query_id 'q0' already appeared at {path}:1"),
    ],
)
def test_each_malformed_parallel_line_is_one_line(
    tmp_path: Path, bad: dict[str, object], message: str
) -> None:
    line = {k: v for k, v in {**PARALLEL, **bad}.items() if v is not DROP}
    path = write(tmp_path / "p.jsonl", jsonl([{**PARALLEL, "query_id": "q0"}, line]))
    with pytest.raises(CorpusFormatError) as info:
        list(read_parallel_questions(path))
    assert str(info.value).startswith(f"{path}:2: ")
    assert message.format(path=path) in str(info.value)
    assert "\n" not in str(info.value)

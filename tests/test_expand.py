"""Cross-lingual doc2query for BM25: the expanded collection, its CLI, and Pyserini on it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.expansion import expanded_contents, expansion_record, lucene_commands
from xqg_pyserini.encoders.augment import AugmentSettings, AugmentSummary, select_questions
from xqg_pyserini.expand import build_parser, main

PASSAGES = [
    Passage("d1", "Cairo", "Cairo is the capital of Egypt."),
    Passage("d2", "", "A passage without a title."),
    Passage("d3", "Tokyo", "Tokyo is the capital of Japan."),
    Passage("d4", "Helsinki", "Helsinki is the capital of Finland."),
]
# Hand-written generated questions (the authors' format); d2 has no line.
GENERATED = {
    "d1": {"ar": ["ما هي عاصمة مصر؟", "أين تقع القاهرة؟", "متى بنيت القاهرة؟"], "en": ["capital?"]},
    "d3": {
        "ja": ["日本の首都は\nどこ？", "東京の人口は？"],
        "te": ["టోక్యో ఎక్కడ ఉంది?"],
        "ko": ["도쿄?"],
    },
    "d4": {"fi": ["Mikä on Suomen pääkaupunki?"]},
}
PLAIN = {p.doc_id: f"{p.title}\n{p.text}" for p in PASSAGES}


def write_corpus(path: Path) -> Path:
    records = [{"docid": p.doc_id, "title": p.title, "text": p.text} for p in PASSAGES]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def write_generated(path: Path, generated: dict[str, dict[str, list[str]]]) -> Path:
    lines = [
        json.dumps({"docid": i, "text": "", "generated_queries": q}, ensure_ascii=False)
        for i, q in generated.items()
    ]
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return path


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    """``--corpus`` and ``--generated-queries`` of the tiny collection."""
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    generated = write_generated(tmp_path / "gen.jsonl", GENERATED)
    return ["--corpus", str(corpus), "--generated-queries", str(generated), "--no-progress"]


def contents(out: Path) -> dict[str, str]:
    records = [json.loads(line) for path in sorted(out.iterdir()) for line in path.open()]
    assert all(set(r) == {"id", "contents"} for r in records)
    return {r["id"]: r["contents"] for r in records}


def test_all_seven_languages_and_all_questions_by_default(
    inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "expanded"
    assert main([*inputs, "--output", str(out)]) == 0
    assert contents(out) == {
        "d1": "Cairo\nCairo is the capital of Egypt.\n"
        "ما هي عاصمة مصر؟\nأين تقع القاهرة؟\nمتى بنيت القاهرة؟",  # "en" is not asked for
        "d2": "\nA passage without a title.",  # no line: plain contents
        "d3": "Tokyo\nTokyo is the capital of Japan.\n"
        "日本の首都は どこ？\n東京の人口は？\nటోక్యో ఎక్కడ ఉంది?\n도쿄?",
        "d4": "Helsinki\nHelsinki is the capital of Finland.\nMikä on Suomen pääkaupunki?",
    }
    assert (out / "docs00.jsonl").read_bytes().isascii()
    summary, *commands = capsys.readouterr().out.splitlines()
    assert summary == (
        f"wrote 4 passages in 1 file(s) to {out}; 3 passages expanded; "
        "questions added: ar 3, bn 0, fi 1, ja 2, ko 1, ru 0, te 1"
    )
    assert [c.strip() for c in commands[1:]] == lucene_commands(out)


def test_languages_filter_and_cap(inputs: list[str], tmp_path: Path) -> None:
    out = tmp_path / "expanded"
    argv = [*inputs, "--output", str(out), "--languages", "ja", "te", "--queries-per-language", "1"]
    assert main(argv) == 0
    assert contents(out) == {
        "d1": PLAIN["d1"],  # questions, but none in ja/te
        "d2": PLAIN["d2"],
        "d3": PLAIN["d3"] + "\n日本の首都は どこ？\nటోక్యో ఎక్కడ ఉంది?",
        "d4": PLAIN["d4"],
    }


@pytest.mark.parametrize(
    "settings",
    [
        AugmentSettings(),
        AugmentSettings(languages=("ar", "ko", "en"), queries_per_language=2),
        AugmentSettings(languages=("te",), queries_per_language=1),
    ],
)
def test_selection_is_the_dense_indexs(
    inputs: list[str], tmp_path: Path, settings: AugmentSettings
) -> None:
    out = tmp_path / "expanded"
    argv = [*inputs, "--output", str(out), "--languages", *settings.languages]
    cap = settings.queries_per_language
    assert main(argv + (["--queries-per-language", str(cap)] if cap else [])) == 0
    got = contents(out)
    for passage in PASSAGES:
        chosen = select_questions(GENERATED.get(passage.doc_id), settings, AugmentSummary())
        assert got[passage.doc_id] == expanded_contents(passage, chosen)
        assert got[passage.doc_id].split("\n")[2:] == [q.replace("\n", " ") for q in chosen]


def test_record_format() -> None:
    record = expansion_record(Passage("7", "Tōkyō", "東京"), ["質問\tは？", "two\r\nlines"])
    assert record.endswith("\n") and record.count("\n") == 1 and record.isascii()
    assert json.loads(record) == {"id": "7", "contents": "Tōkyō\n東京\n質問 は？\ntwo  lines"}


def test_shards_out_of_order_files_overwrite_and_config(inputs: list[str], tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert main([*inputs, "--output", str(reference)]) == 0
    shards = tmp_path / "shards"
    shards.mkdir()
    write_generated(shards / "a.jsonl", {"d4": GENERATED["d4"]})  # read first, out of order
    write_generated(shards / "b.jsonl", {"d3": GENERATED["d3"], "d1": GENERATED["d1"]})
    config = tmp_path / "options.json"
    options = {"corpus": inputs[1], "generated-queries": [str(shards)], "shard_size": 3}
    config.write_text(json.dumps(options))
    out = tmp_path / "expanded"
    assert main(["--config", str(config), "--output", str(out), "--no-progress"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["docs00.jsonl", "docs01.jsonl"]
    assert [len((out / n).read_text().splitlines()) for n in ("docs00.jsonl", "docs01.jsonl")] == [
        3,
        1,
    ]
    assert contents(out) == contents(reference)
    argv = ["--config", str(config), "--output", str(out), "--no-progress", "--overwrite"]
    assert main([*argv, "--languages", "fi", "--shard-size", "10"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["docs00.jsonl"]
    assert contents(out)["d4"] == PLAIN["d4"] + "\nMikä on Suomen pääkaupunki?"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gen": {**GENERATED, "d9": {"ja": ["?"]}}}, r"gen\.jsonl:4: generated questions for "),
        ({"gen": {"d1": GENERATED["d1"], "zz": {}, "d3": {}}}, r"docid 'zz', which is not in"),
        ({"gen_text": '{"docid": "d1", "text": ""}\n'}, r"gen\.jsonl:1: missing field"),
        ({"gen_text": '{"docid": "d1",\n'}, r"gen\.jsonl:1: not valid JSON"),
        ({"argv": ["--queries-per-language", "0"]}, "queries per language must be at least 1"),
        ({"argv": ["--shard-size", "0"]}, "--shard-size must be positive"),
        ({"argv": ["--generated-queries", "nope.jsonl"]}, "no such file: nope.jsonl"),
        ({"argv": ["--corpus", "nope.jsonl"]}, "corpus file not found: nope.jsonl"),
        ({"existing": True}, "exists; pass --overwrite"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    inputs: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict,
    message: str,
) -> None:
    if "gen" in change:
        write_generated(tmp_path / "gen.jsonl", change["gen"])
    if "gen_text" in change:
        (tmp_path / "gen.jsonl").write_text(change["gen_text"])
    out = tmp_path / "expanded"
    if change.get("existing"):
        out.mkdir()
        (out / "docs00.jsonl").write_text("old\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([*inputs, "--output", str(out), *change.get("argv", [])]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert re.search(message, err), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output, no temporary
    if change.get("existing"):
        assert (out / "docs00.jsonl").read_text() == "old\n"


def test_generated_queries_are_required_beyond_the_demo(
    inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(inputs[:2]) == 2
    assert capsys.readouterr().err == (
        f"error: --generated-queries is required with --corpus {inputs[1]}\n"
    )


def test_demo_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "expanded"
    assert main(["--output", str(out), "--no-progress", "--queries-per-language", "2"]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    per_language = ", ".join(f"{lang} 11000" for lang in ("ar", "bn", "fi", "ja", "ko", "ru", "te"))
    assert summary == (
        f"wrote 5500 passages in 1 file(s) to {out}; 5500 passages expanded; "
        f"questions added: {per_language}"
    )
    with (out / "docs00.jsonl").open() as handle:
        first = json.loads(handle.readline())
    lines = first["contents"].split("\n")
    assert first["id"] == "1" and lines[0] == "Mount Fuji" and len(lines) == 2 + 14
    assert lines[2:4] == ["متى تم إنشاء Mount Fuji؟", "بماذا يشتهر Mount Fuji؟"]
    assert lines[-1] == "Mount Fuji చరిత్ర ఏమిటి?"


def test_printed_pyserini_commands() -> None:
    assert lucene_commands(Path("collections/xqg-demo-expanded")) == [
        "python -m pyserini.index.lucene -collection JsonCollection "
        "-input collections/xqg-demo-expanded -index indexes/lucene-xqg-demo-expanded "
        "-generator DefaultLuceneDocumentGenerator -threads 2 "
        '-analyzeWithHuggingFaceTokenizer "$(python -m xqg_pyserini.models.e5_small)"',
        "python -m pyserini.search.lucene --index indexes/lucene-xqg-demo-expanded "
        "--topics TOPICS.tsv --topics-format default "
        '--tokenizer "$(python -m xqg_pyserini.models.e5_small)" --bm25 --hits 100 '
        "--output run.trec",
    ]
    assert "-input 'my dir'" in lucene_commands(Path("my dir"))[0]


def test_every_flag_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for action in parser._actions:
        assert action.help, f"{action.option_strings} has no help"
        assert not any("_" in flag for flag in action.option_strings)
    flags = {flag for action in parser._actions for flag in action.option_strings}
    assert flags >= {"--corpus", "--generated-queries", "--languages", "--queries-per-language"}
    assert flags >= {"--output", "--shard-size", "--overwrite", "--no-progress", "--config"}
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0 and "collections/xqg-demo-expanded" in capsys.readouterr().out


# ---------------------------------------------------------------------------- Pyserini, for real

# Questions for some of the first 12 demo passages (8: Shinkansen, 2: Tokyo, 6: Sushi,
# 7: Ramen); the Telugu and Japanese ones of 8 are searched. They share words and
# particles with the others, so only the whole question singles out passage 8.
LUCENE_GENERATED = {
    "2": {"ja": ["東京の人口は？"], "te": ["టోక్యో జనాభా ఎంత?"]},
    "6": {"ja": ["寿司の作り方は？"], "te": ["సుషీ ఎలా తయారు చేస్తారు?"]},
    "7": {"ja": ["ラーメンのスープは何味？"]},
    "8": {"ja": ["新幹線の最高速度は？"], "te": ["బుల్లెట్ రైలు ఎంత వేగంగా వెళ్తుంది?"]},
}
TOPICS = {"te-8": "బుల్లెట్ రైలు ఎంత వేగంగా వెళ్తుంది?", "ja-8": "新幹線の最高速度は？"}
TOPICS["ja-6"] = "寿司の作り方は？"


def _pyserini(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def _bm25_run(collection: Path, tokenizer: Path, topics: Path, work: Path) -> dict[str, list[str]]:
    index, run = work / f"index-{collection.name}", work / f"{collection.name}.trec"
    _pyserini(
        "pyserini.index.lucene", "-collection", "JsonCollection", "-input", str(collection),
        "-index", str(index), "-generator", "DefaultLuceneDocumentGenerator", "-threads", "1",
        "-analyzeWithHuggingFaceTokenizer", str(tokenizer),
    )  # fmt: skip
    _pyserini(
        "pyserini.search.lucene", "--index", str(index), "--topics", str(topics),
        "--topics-format", "default", "--tokenizer", str(tokenizer), "--bm25", "--hits", "5",
        "--output", str(run),
    )  # fmt: skip
    ranked: dict[str, list[str]] = {qid: [] for qid in TOPICS}
    for line in run.read_text().splitlines():
        qid, _, docid, *_ = line.split()
        ranked[qid].append(docid)
    return ranked


@pytest.mark.slow
def test_pyserini_bm25_finds_the_passage_by_its_generated_question(
    demo_corpus_head: Path, e5_model_dir: Path, tmp_path: Path
) -> None:
    from xqg_pyserini.data.__main__ import main as data_main

    generated = write_generated(tmp_path / "gen.jsonl", LUCENE_GENERATED)
    expanded, plain = tmp_path / "expanded", tmp_path / "plain"
    corpus = ["--corpus", str(demo_corpus_head)]
    assert main([*corpus, "--generated-queries", str(generated), "--output", str(expanded)]) == 0
    export = ["export", "collection", *corpus, "--output", str(plain), "--no-progress"]
    assert data_main(export) == 0
    topics = tmp_path / "topics.tsv"
    topics.write_text("".join(f"{qid}\t{text}\n" for qid, text in TOPICS.items()), "utf-8")

    with_questions = _bm25_run(expanded, e5_model_dir, topics, tmp_path)
    assert with_questions["te-8"][0] == "8"
    assert with_questions["ja-8"][0] == "8"
    assert with_questions["ja-6"][0] == "6"
    baseline = _bm25_run(plain, e5_model_dir, topics, tmp_path)
    assert baseline["te-8"][:1] != ["8"] and baseline["ja-8"][:1] != ["8"]

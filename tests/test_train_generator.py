"""The generator trainer: readers, dev split, loss, learning, best checkpoint, resume, output, CLI.

Models are tiny random mT5s built in code (conftest); nothing is downloaded.
"""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import ir_datasets
import pytest
import torch
from ir_datasets.formats import BaseQrels, BaseQueries

from tests.helpers import Doc, MemoryDocs, error_lines, kill_after_step
from xqg_pyserini.errors import CorpusFormatError, DatasetError
from xqg_pyserini.generate import main as generate_main
from xqg_pyserini.generation.prompts import PromptTemplateError
from xqg_pyserini.models.random_init import build_random_model
from xqg_pyserini.train import main as train_main
from xqg_pyserini.training.generator.config import GeneratorTrainingConfig
from xqg_pyserini.training.generator.features import TripleFeatures, prompt_text
from xqg_pyserini.training.generator.irds import dataset_triples
from xqg_pyserini.training.generator.jsonl import read_triples_jsonl
from xqg_pyserini.training.generator.model import load_generator
from xqg_pyserini.training.generator.run import train_generator
from xqg_pyserini.training.generator.sources import load_triples
from xqg_pyserini.training.generator.squad import gold_paragraph_title, read_gold_paragraphs
from xqg_pyserini.training.generator.trainer import build_trainer, training_arguments
from xqg_pyserini.training.generator.triples import (
    GeneratorDataError,
    QuestionTriple,
    hold_out,
    without_overlap,
)
from xqg_pyserini.training.workdir import ResumeMismatchError, work_directory

T = QuestionTriple
TRIPLES = [
    T(
        "富士山の高さは何メートルですか？",
        "ja",
        "Mount Fuji",
        "Mount Fuji is the highest mountain in Japan, 3,776 metres tall.",
        "q1",
        "d1",
    ),  # noqa: E501
    T("Kuka?", "fi", "Helsinki", "Helsinki is the capital of Finland.", "q2", "d2"),
    T(
        "Кто написал роман «Война и мир»?",
        "ru",
        "",
        "A passage without a title about Moscow.",
        "q3",
        "d3",
    ),  # noqa: E501
    T("서울은 어디에 있나요?", "ko", "Seoul", "Seoul is the capital of South Korea.", "q4", "d4"),
    T(
        "ما هو أطول نهر في العالم؟",
        "ar",
        "Nile",
        "The Nile is the longest river in the world.",
        "q5",
        "d5",
    ),  # noqa: E501
    T("ঢাকা কোথায়?", "bn", "Dhaka", "Dhaka is the capital of Bangladesh.", "q6", "d6"),
    T("తెలుగు సినిమా ఎప్పుడు మొదలైంది?", "te", "Telugu cinema", "Telugu cinema began in 1921.", "q7", "d7"),  # noqa: E501
    T("東京は日本の首都ですか？", "ja", "Tokyo", "Tokyo is the capital of Japan.", "q8", "d8"),
]
NAMES = {"ar": "Arabic", "bn": "Bengali", "fi": "Finnish", "ja": "Japanese", "ko": "Korean",
         "ru": "Russian", "te": "Telugu"}  # fmt: skip


@pytest.fixture(autouse=True)
def _one_thread():  # type: ignore[no-untyped-def]
    # Tiny models gain nothing from a second thread, and on a busy 2-core machine OpenMP's
    # barriers make every small op wait for a time slice (~100x slower).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def still_mt5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random mT5 without dropout, so a training step can be recomputed exactly."""
    from transformers import AutoConfig

    path = build_random_model("mt5", tmp_path_factory.mktemp("models") / "mt5", seed=4)
    config = AutoConfig.from_pretrained(path)
    config.dropout_rate = 0.0
    config.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def demo_triples() -> list[QuestionTriple]:
    return load_triples("xqg-demo/train").triples


def config_for(model: Path, output: Path, **overrides: Any) -> GeneratorTrainingConfig:
    base = dict(
        model=str(model), output=str(output), batch_size=4, gradient_accumulation_steps=1,
        max_steps=4, eval_every=2, learning_rate=1e-3, device="cpu", dtype="float32",
        logging_steps=1, progress=False, max_input_length=48, max_target_length=24,
    )  # fmt: skip
    return GeneratorTrainingConfig(**{**base, **overrides})


def _weights(directory: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(directory / "model.safetensors"))


# -- readers -----------------------------------------------------------------------


class Question(NamedTuple):
    query_id: str
    text: str
    language: str


class Qrel(NamedTuple):
    query_id: str
    doc_id: str
    relevance: int
    iteration: str


class StoredDocs(MemoryDocs):
    """In-memory documents with the docstore the reader looks passages up in."""

    def docs_store(self):  # type: ignore[no-untyped-def]
        return self

    def get_many(self, doc_ids):  # type: ignore[no-untyped-def]
        return {d.doc_id: d for d in self._docs if d.doc_id in set(doc_ids)}


class MemoryQueries(BaseQueries):
    def __init__(self, queries: list[Question]) -> None:
        self._queries = queries

    def queries_iter(self):  # type: ignore[no-untyped-def]
        return iter(self._queries)

    def queries_cls(self) -> type:
        return Question


class MemoryQrels(BaseQrels):
    def __init__(self, qrels: list[Qrel]) -> None:
        self._qrels = qrels

    def qrels_iter(self):  # type: ignore[no-untyped-def]
        return iter(self._qrels)

    def qrels_cls(self) -> type:
        return Qrel

    def qrels_defs(self) -> dict[int, str]:
        return {1: "relevant"}


DOCS = [Doc("1", "Cairo", "Cairo is the capital of Egypt."),
        Doc("2", "", "The Nile flows through Cairo."),
        Doc("3", "Helsinki", "Helsinki is the capital of Finland.")]  # fmt: skip
QUESTIONS = [Question("q1", "ما هي عاصمة مصر؟ ", "ar"),
             Question("q2", "Mikä on pääkaupunki?", "fi"),
             Question("q3", "日本の首都は？", "ja")]  # fmt: skip


def register(questions: list[Question], qrels: list[Qrel]) -> str:
    dataset_id = f"xqg-pytest-generator-{uuid.uuid4().hex[:8]}"
    dataset = ir_datasets.Dataset(StoredDocs(DOCS), MemoryQueries(questions), MemoryQrels(qrels))
    ir_datasets.registry.register(dataset_id, dataset)
    return dataset_id


def test_irds_pairs_each_question_with_each_relevant_passage() -> None:
    qrels = [Qrel("q1", "1", 1, "0"), Qrel("q1", "2", 2, "0"), Qrel("q1", "3", 0, "0"),
             Qrel("q2", "3", 1, "0")]  # fmt: skip
    source = dataset_triples(register(QUESTIONS, qrels))
    assert source.triples == [
        T("ما هي عاصمة مصر؟", "ar", "Cairo", "Cairo is the capital of Egypt.", "q1", "1"),
        T("ما هي عاصمة مصر؟", "ar", "", "The Nile flows through Cairo.", "q1", "2"),
        T(
            "Mikä on pääkaupunki?",
            "fi",
            "Helsinki",
            "Helsinki is the capital of Finland.",
            "q2",
            "3",
        ),  # noqa: E501
    ]
    assert source.left_out == {"questions_without_relevant_passage": 1}


def test_irds_refuses_a_missing_passage_and_an_unnamed_language() -> None:
    dataset_id = register(QUESTIONS, [Qrel("q1", "1", 1, "0"), Qrel("q2", "99", 1, "0")])
    with pytest.raises(DatasetError) as info:
        dataset_triples(dataset_id)
    assert str(info.value) == (
        f"{dataset_id}: qrels of question 'q2' judge docid '99' relevant, but it is not in "
        "the corpus"
    )
    dataset_id = register([Question("q1", "What?", "en")], [Qrel("q1", "1", 1, "0")])
    with pytest.raises(DatasetError, match=r"question 'q1': the language is 'en', not a language"):
        dataset_triples(dataset_id)


def test_irds_reads_the_bundled_demo(demo_triples: list[QuestionTriple]) -> None:
    assert len(demo_triples) == 560  # one gold passage per train question
    first = demo_triples[0]
    assert (first.question_id, first.doc_id, first.language) == ("ar-train-001", "4459", "ar")
    assert first.question == "ما هو عدد سكان مدينة بيرخن أوب زووم؟"
    assert first.title == "Bergen op Zoom" and "66,256 inhabitants" in first.text


def _squad(path: Path, document: object) -> Path:
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, "utf-8")
    return path


GOLD = {"data": [
    {"title": "title:Kyoto_parentSection:History_sectionName:Early_sectionIndex:0",
     "paragraphs": [{"context": " Kyoto was the capital\nof Japan. ",
                     "qas": [{"id": "-11", "question": "京都は首都でしたか？ ", "lang": "ja",
                              "answers": [{"text": "yes", "answer_start": 0}]},
                             {"id": 7, "question": "Oliko Kioto pääkaupunki?", "lang": "fi"}]}]},
    {"title": "Plain title",
     "paragraphs": [{"context": "Kyoto again.", "qas": [{"id": "-11", "question": "again",
                                                         "lang": "ja"}]},
                    {"context": "Other text.", "qas": [{"id": "5", "question": "Q?",
                                                        "lang": "ko"}]}]},
]}  # fmt: skip


@pytest.mark.parametrize("name", ["gold.json", "gold.json.gz"])
def test_gold_paragraphs_unwrap_titles_and_keep_the_first_of_each_question_id(
    tmp_path: Path, name: str
) -> None:
    source = load_triples(str(_squad(tmp_path / name, GOLD)))
    assert source.triples == [
        T("京都は首都でしたか？", "ja", "Kyoto", "Kyoto was the capital of Japan.", "-11"),
        T("Oliko Kioto pääkaupunki?", "fi", "Kyoto", "Kyoto was the capital of Japan.", "7"),
        T("Q?", "ko", "Plain title", "Other text.", "5"),
    ]
    assert source.left_out == {"duplicate_question_ids": 1}
    assert gold_paragraph_title("title:A_B_parentSection:x") == "A_B"
    assert gold_paragraph_title("title:Only") == "Only"


def test_gold_paragraph_errors_name_file_and_place(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(GOLD))
    del broken["data"][1]["paragraphs"][1]["qas"][0]["lang"]
    path = _squad(tmp_path / "gold.json", broken)
    with pytest.raises(CorpusFormatError) as info:
        read_gold_paragraphs(path)
    assert str(info.value) == f"{path}: data[1].paragraphs[1].qas[0]: missing field 'lang'"
    broken["data"][1]["paragraphs"][1]["qas"][0]["lang"] = "xx"
    with pytest.raises(CorpusFormatError, match=r"qas\[0\]: field 'lang' is 'xx', not a language"):
        read_gold_paragraphs(_squad(path, broken))
    path.write_text('{"data": [\n  {"title": "x",\n  }\n]}', "utf-8")
    with pytest.raises(CorpusFormatError, match=rf"^{path}:3: not valid JSON"):
        read_gold_paragraphs(path)
    path.write_text('{"data": [], "data": []}', "utf-8")
    with pytest.raises(CorpusFormatError, match="duplicate key 'data'"):
        read_gold_paragraphs(path)


def _jsonl(path: Path, lines: list[object]) -> Path:
    text = "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n"
                   for x in lines)  # fmt: skip
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("name", ["triples.jsonl", "triples.jsonl.gz"])
def test_jsonl_triples(tmp_path: Path, name: str) -> None:
    path = _jsonl(tmp_path / name, [
        {"question": " 東京は？", "lang": "ja", "title": "Tokyo", "text": "Tokyo is big.", "id": 3},
        {"question": "Kuka?", "lang": "fi", "text": "No title here.", "extra": [1]},
        {"question": "Q?", "lang": "ko", "title": None, "text": "Null title."},
    ])  # fmt: skip
    assert load_triples(str(path)).triples == [
        T("東京は？", "ja", "Tokyo", "Tokyo is big.", "3"),
        T("Kuka?", "fi", "", "No title here."),
        T("Q?", "ko", "", "Null title."),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "Q", "lang": "ja", "title": "t", "text": "x"', "not valid JSON"),
        ({"lang": "ja", "title": "t", "text": "x"}, "missing field 'question'"),
        ({"question": 5, "lang": "ja", "title": "t", "text": "x"},
         "field 'question' must be a string, got int"),
        ({"question": "Q", "lang": "en", "title": "t", "text": "x"}, "field 'lang' is 'en'"),
        ({"question": "Q", "lang": "ja", "title": 1, "text": "x"},
         "field 'title' must be a string"),
        ({"question": "Q", "lang": "ja", "title": "t", "text": " "},
         "field 'text' must be a non-blank string"),
    ],
)  # fmt: skip
def test_jsonl_errors_name_file_line_and_field(tmp_path: Path, line: object, message: str) -> None:
    good = {"question": "Q", "lang": "ja", "title": "t", "text": "x"}
    path = _jsonl(tmp_path / "bad.jsonl", [good, line])
    with pytest.raises(CorpusFormatError) as info:
        read_triples_jsonl(path)
    assert str(info.value).startswith(f"{path}:2: ") and message in str(info.value)


def test_sources_choose_the_reader_by_name(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        load_triples(str(tmp_path / "absent.jsonl"))
    (tmp_path / "data.tsv").write_text("x\n")
    with pytest.raises(CorpusFormatError, match="unknown training data format"):
        load_triples(str(tmp_path / "data.tsv"))
    with pytest.raises(DatasetError, match="unknown ir_datasets id 'xqg-demo/trian'"):
        load_triples("xqg-demo/trian")


# -- the dev split -----------------------------------------------------------------


def test_held_out_dev_is_seeded_grouped_by_question_and_order_free(
    demo_triples: list[QuestionTriple],
) -> None:
    triples = demo_triples[:100] + [demo_triples[0]._replace(doc_id="x", text="other")]
    train, dev = hold_out(triples, seed=313)
    assert len({(t.language, t.question) for t in dev}) == 5  # 5% of 100 questions
    assert not {t.question for t in dev} & {t.question for t in train}
    assert len(train) + len(dev) == len(triples)
    shuffled = list(reversed(triples))
    assert set(hold_out(shuffled, seed=313)[1]) == set(dev)
    assert set(hold_out(triples, seed=1)[1]) != set(dev)
    with pytest.raises(GeneratorDataError, match="at least 2 distinct"):
        hold_out(triples[:1] * 3, seed=313)


def test_dev_questions_seen_in_training_are_left_out() -> None:
    kept, dropped = without_overlap(TRIPLES[:3], TRIPLES[2:])
    assert kept == TRIPLES[:2] and dropped == 1


# -- the loss ----------------------------------------------------------------------


def test_the_prompt_and_labels_are_the_recipe(still_mt5: Path) -> None:
    tokenizer, _ = load_generator(str(still_mt5))
    config = config_for(still_mt5, Path("unused"), max_input_length=16)
    features = TripleFeatures(TRIPLES, tokenizer, config.template, 16, 5)
    item = features[0]
    prompt = f"Generate a Japanese question for this passage: {TRIPLES[0].title} {TRIPLES[0].text}"
    assert prompt_text(config.template, TRIPLES[0]) == prompt
    full = tokenizer(prompt)["input_ids"]
    assert len(full) > 16
    assert item["input_ids"] == full[:15] + [tokenizer.eos_token_id]  # the passage end is cut
    assert item["labels"] == tokenizer(TRIPLES[0].question)["input_ids"][:4] + [
        tokenizer.eos_token_id
    ]


def test_one_training_step_loss_is_the_cross_entropy_of_the_logits(
    still_mt5: Path, tmp_path: Path
) -> None:
    config = config_for(still_mt5, tmp_path / "out")
    tokenizer, model = load_generator(str(still_mt5))
    trainer = build_trainer(config, tokenizer, model, TRIPLES, TRIPLES[:2], tmp_path / "work")
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(4)])
    labels = batch["labels"]
    assert (labels == -100).any()  # questions of different lengths: padding is -100
    for i in range(4):
        expected = trainer.train_dataset[i]["labels"]
        assert labels[i, : len(expected)].tolist() == expected
        assert (labels[i, len(expected) :] == -100).all()
    trainer.model.train()  # as in a training step (no dropout in this model)
    loss = trainer.compute_loss(trainer.model, batch, num_items_in_batch=(labels != -100).sum())

    # Independently: shift the labels right after the decoder start token, read the model's
    # logits, and average -log p(label) over the label tokens (float64).
    start = model.config.decoder_start_token_id
    targets = labels.masked_fill(labels == -100, model.config.pad_token_id)
    decoder_inputs = torch.cat([torch.full((4, 1), start), targets[:, :-1]], dim=1)
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       decoder_input_ids=decoder_inputs).logits.double()  # fmt: skip
    log_p = torch.log_softmax(logits, dim=-1)
    total, count = 0.0, 0
    for i in range(4):
        for j in range(labels.shape[1]):
            if labels[i, j] != -100:
                total -= float(log_p[i, j, labels[i, j]])
                count += 1
    assert float(loss.detach()) == pytest.approx(total / count, rel=1e-5)


def test_gradient_accumulation_averages_the_micro_batch_losses(still_mt5: Path, tmp_path: Path):
    # Eight copies of one pair: every micro-batch has the model's loss on that pair. mT5's
    # forward takes **kwargs but ignores num_items_in_batch; left to itself, the Trainer
    # would then report (and back-propagate) 4 x that loss (transformers issue 47688).
    tokenizer, model = load_generator(str(still_mt5))
    item = TripleFeatures(TRIPLES[:1], tokenizer, config_for(still_mt5, tmp_path).template,
                          48, 24)[0]  # fmt: skip
    with torch.no_grad():
        expected = model(**{k: torch.tensor([v]) for k, v in item.items()}).loss
    config = config_for(still_mt5, tmp_path / "m", batch_size=2, gradient_accumulation_steps=4,
                        max_steps=1, eval_every=1)  # fmt: skip
    record = train_generator(config, TRIPLES[:1] * 8, TRIPLES[1:2])
    assert record["loss_curve"][0]["loss"] == pytest.approx(float(expected), rel=1e-4)
    assert record["effective_batch"] == 8


# -- learning, the best checkpoint, resuming ---------------------------------------


def test_a_tiny_model_dev_loss_falls(tiny_mt5: Path, tmp_path: Path, demo_triples) -> None:
    config = config_for(tiny_mt5, tmp_path / "m", batch_size=8, max_steps=30, eval_every=5,
                        learning_rate=3e-3, logging_steps=5)  # fmt: skip
    record = train_generator(config, demo_triples[:200])
    curve = [entry["eval_loss"] for entry in record["dev_loss_curve"]]
    assert [e["step"] for e in record["dev_loss_curve"]] == [5, 10, 15, 20, 25, 30]
    assert curve[-1] < curve[0] - 1.0, curve
    assert record["best_dev_loss"] == min(curve)
    assert {e["learning_rate"] for e in record["loss_curve"]} == {3e-3}  # constant, no warm-up
    assert record["data"]["dev"]["triples"] == 10 and record["data"]["train"]["triples"] == 190


class _Snapshots:
    """A callback that keeps the weights and dev loss at every evaluation."""

    def __new__(cls, store: dict[int, tuple[dict[str, torch.Tensor], float]]):  # type: ignore[no-untyped-def]
        from transformers import TrainerCallback

        class Snapshots(TrainerCallback):
            def on_evaluate(self, args, state, control, model=None, metrics=None, **kwargs):  # type: ignore[no-untyped-def]
                weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
                store[state.global_step] = (weights, metrics["eval_loss"])

        return Snapshots()


def test_the_output_is_the_checkpoint_with_the_lowest_dev_loss(tiny_mt5: Path, tmp_path: Path):
    # The model learns one training question by heart; the dev loss on another falls, then rises.
    train = [T("Mikä on Suomen pääkaupunki?", "fi", f"t{i}", f"Helsinki {i}.") for i in range(16)]
    dev = [T("東京は日本の首都であり、世界最大の都市圏の一つです。", "ja", "Tokyo", "Tokyo.")]
    store: dict[int, tuple[dict[str, torch.Tensor], float]] = {}
    config = config_for(tiny_mt5, tmp_path / "m", max_steps=40, eval_every=4, learning_rate=1e-2)
    record = train_generator(config, train, dev, callbacks=[_Snapshots(store)])
    best = min(store, key=lambda step: store[step][1])
    assert record["best_step"] == best and best < 40, {s: v[1] for s, v in store.items()}
    assert record["best_dev_loss"] == pytest.approx(store[best][1])
    written = _weights(tmp_path / "m")
    for name, tensor in written.items():
        assert torch.equal(tensor, store[best][0][name]), name


class _Steps:
    """A callback that lists the steps it sees end."""

    def __new__(cls, steps: list[int]):  # type: ignore[no-untyped-def]
        from transformers import TrainerCallback

        class Steps(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
                steps.append(state.global_step)

        return Steps()


def test_a_killed_run_resumes_to_the_same_weights(tiny_mt5: Path, tmp_path: Path, demo_triples):
    triples = demo_triples[:30]
    settings = dict(max_steps=12, eval_every=4)  # dropout on: random states must resume too
    straight = train_generator(config_for(tiny_mt5, tmp_path / "straight", **settings), triples)

    resumed = config_for(tiny_mt5, tmp_path / "resumed", **settings)
    with pytest.raises(KeyboardInterrupt):
        train_generator(resumed, triples, callbacks=[kill_after_step(6)])
    assert not (tmp_path / "resumed").exists()
    assert (work_directory(tmp_path / "resumed") / "checkpoint-4").is_dir()
    steps: list[int] = []
    record = train_generator(resumed, triples, callbacks=[_Steps(steps)])
    assert record["resumed_from"] == "checkpoint-4"
    assert steps == list(range(5, 13))  # only the steps after the checkpoint ran again
    assert not work_directory(tmp_path / "resumed").exists()
    assert record["best_step"] == straight["best_step"]
    a, b = _weights(tmp_path / "straight"), _weights(tmp_path / "resumed")
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name


def test_resuming_with_other_settings_is_refused(tiny_mt5: Path, tmp_path: Path) -> None:
    first = config_for(tiny_mt5, tmp_path / "m", max_steps=6)
    with pytest.raises(KeyboardInterrupt):
        train_generator(first, TRIPLES, callbacks=[kill_after_step(3)])
    with pytest.raises(ResumeMismatchError, match=r"differs in: learning_rate"):
        train_generator(config_for(tiny_mt5, tmp_path / "m", max_steps=6, learning_rate=5e-4),
                        TRIPLES)  # fmt: skip
    assert not (tmp_path / "m").exists()


# -- the CLI -----------------------------------------------------------------------


def _cli(model: Path, data: Path | str, out: Path, *extra: str) -> list[str]:
    return ["generator", "--model", str(model), "--train-data", str(data), "--output", str(out),
            "--batch-size", "4", "--gradient-accumulation-steps", "1", "--max-steps", "4",
            "--eval-every", "2", "--max-input-length", "48", "--device", "cpu",
            "--no-progress", *extra]  # fmt: skip


def _triples_file(path: Path, triples: list[QuestionTriple]) -> Path:
    return _jsonl(path, [{"question": t.question, "lang": t.language, "title": t.title,
                          "text": t.text} for t in triples])  # fmt: skip


def test_the_output_loads_in_the_generate_cli(tiny_mt5: Path, tmp_path: Path, capsys) -> None:
    train = _triples_file(tmp_path / "train.jsonl", TRIPLES)
    dev = _triples_file(tmp_path / "dev.jsonl", [t._replace(question="Q?") for t in TRIPLES[:3]])
    out = tmp_path / "generator"
    assert train_main([*_cli(tiny_mt5, train, out), "--dev-data", str(dev)]) == 0
    printed = capsys.readouterr().out
    assert f"python -m xqg_pyserini.generate --model {out}" in printed
    assert not work_directory(out).exists()
    record = json.loads((out / "training_record.json").read_text("utf-8"))
    assert record["kind"] == "generator" and record["steps"] == 4
    assert record["settings"]["dtype"] == "float32" and record["effective_batch"] == 4
    assert record["data"]["train"]["triples"] == 8 and record["data"]["dev"]["triples"] == 3
    assert record["data"]["train"]["sources"] == [str(train)]
    assert [e["step"] for e in record["dev_loss_curve"]] == [2, 4]
    assert record["best_step"] in (2, 4) and record["loss_curve"]

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"docid": t.doc_id, "title": t.title, "text": t.text})
                              + "\n" for t in TRIPLES[:2]), "utf-8")  # fmt: skip
    questions = tmp_path / "questions.jsonl"
    argv = ["--model", str(out), "--corpus", str(corpus), "--output", str(questions),
            "--languages", "ja", "fi", "--max-length", "8", "--no-progress"]  # fmt: skip
    assert generate_main(argv) == 0
    lines = [json.loads(line) for line in questions.read_text("utf-8").splitlines()]
    assert [line["docid"] for line in lines] == ["d1", "d2"]
    assert all(set(line["generated_queries"]) == {"ja", "fi"} for line in lines)


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert train_main(argv) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1, lines
    return lines[0]


def test_bad_input_is_one_line_and_writes_nothing(tiny_bert, tiny_mt5, tmp_path, capsys):
    data = _triples_file(tmp_path / "train.jsonl", TRIPLES)
    out = tmp_path / "out"
    assert "not a sequence-to-sequence model" in _fails(_cli(tiny_bert, data, out), capsys)
    assert "must contain {title}" in _fails(
        _cli(tiny_mt5, data, out, "--prompt-template", "Generate {language}: {text}"), capsys
    )
    assert "must contain {text}" in _fails(
        _cli(tiny_mt5, data, out, "--prompt-template", "{title} in {language}"), capsys
    )
    assert "overflows in float16" in _fails(_cli(tiny_mt5, data, out, "--dtype", "float16"), capsys)
    missing = register(QUESTIONS, [Qrel("q1", "404", 1, "0")])
    assert "docid '404' relevant, but it is not in the corpus" in _fails(
        _cli(tiny_mt5, missing, out), capsys
    )
    bad = _jsonl(tmp_path / "bad.jsonl", [json.loads(data.read_text().splitlines()[0]), "{oops"])
    assert _fails(_cli(tiny_mt5, bad, out), capsys).startswith(f"error: {bad}:2: not valid JSON")
    field = _jsonl(tmp_path / "field.jsonl", [{"question": "Q", "lang": "xx", "text": "x"}])
    assert f"{field}:1: field 'lang' is 'xx'" in _fails(_cli(tiny_mt5, field, out), capsys)
    assert not out.exists() and not work_directory(out).exists()
    out.mkdir()
    assert "exists; pass --overwrite" in _fails(_cli(tiny_mt5, data, out), capsys)
    assert list(out.iterdir()) == []


def test_help_explains_every_flag_and_usage_lists_the_command(capsys) -> None:
    from xqg_pyserini.cli.train_generator import build_parser

    parser = build_parser()
    for action in parser._actions:
        assert action.help, action.option_strings
    flags = {f for a in parser._actions for f in a.option_strings}
    assert {"--model", "--train-data", "--dev-data", "--output", "--max-steps", "--learning-rate",
            "--batch-size", "--gradient-accumulation-steps", "--max-input-length",
            "--max-target-length", "--eval-every", "--seed", "--device", "--dtype", "--config",
            "--prompt-template", "--overwrite", "--no-progress"} <= flags  # fmt: skip
    assert train_main(["--help"]) == 0
    assert "generator" in capsys.readouterr().out


def test_defaults_are_the_recipe_and_config_files_work(tmp_path: Path) -> None:
    config = GeneratorTrainingConfig(model="m", output="o")
    assert (config.max_steps, config.learning_rate, config.max_input_length, config.eval_every,
            config.seed) == (2000, 1e-4, 128, 100, 313)  # fmt: skip
    assert config.resolved("cpu", "float32").gradient_accumulation_steps == 4  # 32 x 4 = 128
    assert config.resolved("cuda", "bfloat16", world_size=8).gradient_accumulation_steps == 1
    assert GeneratorTrainingConfig(model="m", output="o", batch_size=24).resolved(
        "cpu", "float32").gradient_accumulation_steps == 6  # fmt: skip
    args = training_arguments(config.resolved("cpu", "bfloat16"), tmp_path / "work")
    assert (args.lr_scheduler_type, args.warmup_steps, args.weight_decay) == ("constant", 0, 0.0)
    assert (args.per_device_train_batch_size, args.gradient_accumulation_steps) == (32, 4)
    assert (args.eval_steps, args.save_steps, args.load_best_model_at_end) == (100, 100, True)
    assert (args.metric_for_best_model, args.greater_is_better) == ("eval_loss", False)
    assert (args.seed, args.data_seed, args.bf16, args.fp16) == (313, 313, True, False)
    with pytest.raises(PromptTemplateError, match="unknown placeholder {passage}"):
        GeneratorTrainingConfig(model="m", output="o", prompt_template="{title} {passage}")
    with pytest.raises(ValueError, match="--max-steps must be a positive integer"):
        GeneratorTrainingConfig(model="m", output="o", max_steps=0)

    from xqg_pyserini.cli.config import parse_with_config
    from xqg_pyserini.cli.train_generator import build_parser

    options = tmp_path / "options.json"
    options.write_text(json.dumps({"model": "m", "train-data": ["x.jsonl"], "output": "o",
                                   "max_steps": 7, "dtype": "bfloat16"}))  # fmt: skip
    args = parse_with_config(build_parser(), ["--config", str(options), "--max-steps", "9"])
    assert (args.model, args.train_data, args.max_steps, args.dtype) == ("m", ["x.jsonl"], 9,
                                                                          "bfloat16")  # fmt: skip

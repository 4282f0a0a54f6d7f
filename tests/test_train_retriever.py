"""The retriever trainer: loss, gradient cache, learning, resume, output, bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

from tests.helpers import TRAINING_WORDS, kill_after_step
from xqg_pyserini.encoders.settings import EncoderSettings, resolve_encoder
from xqg_pyserini.models.random_init import build_random_model
from xqg_pyserini.training.examples import TrainingExample, TrainingPassage
from xqg_pyserini.training.retriever.config import RetrieverTrainingConfig
from xqg_pyserini.training.retriever.grad_cache import grad_cache_step
from xqg_pyserini.training.retriever.groups import GroupSampler, TrainingDataError
from xqg_pyserini.training.retriever.loss import contrastive_loss
from xqg_pyserini.training.retriever.output import NotAnEncoderError, TrainingOutputExistsError
from xqg_pyserini.training.retriever.run import train_retriever, work_directory

WORDS = TRAINING_WORDS


def synthetic_task(count: int, seed: int = 0, negatives: int = 4) -> list[TrainingExample]:
    """Passages of random words; each question is four of its passage's words."""
    rng = random.Random(seed)
    passages = [
        TrainingPassage(str(i), rng.choice(WORDS), " ".join(rng.choices(WORDS, k=12)))
        for i in range(count)
    ]
    examples = []
    for i, passage in enumerate(passages):
        others = [p for p in passages if p.docid != passage.docid]
        examples.append(
            TrainingExample(
                f"q{i}",
                " ".join(rng.sample(passage.text.split(), 4)),
                (passage,),
                tuple(rng.sample(others, negatives)),
            )
        )
    return examples


@pytest.fixture(scope="module")
def still_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT without dropout, so chunked and whole passes are comparable."""
    from transformers import AutoConfig

    path = build_random_model("bert", tmp_path_factory.mktemp("models") / "bert", seed=3)
    config = AutoConfig.from_pretrained(path)
    config.hidden_dropout_prob = config.attention_probs_dropout_prob = 0.0
    config.save_pretrained(path)
    return path


def config_for(model: Path, output: Path, **overrides: object) -> RetrieverTrainingConfig:
    base = dict(
        model=str(model), output=str(output), batch_size=4, train_n_passages=3, epochs=1,
        learning_rate=1e-3, device="cpu", logging_steps=1,
    )  # fmt: skip
    return RetrieverTrainingConfig(**{**base, **overrides})  # type: ignore[arg-type]


def make_trainer(model_dir: Path, tmp_path: Path, examples, **overrides):  # type: ignore[no-untyped-def]
    from transformers import AutoModel, AutoTokenizer

    from xqg_pyserini.training.retriever.run import _training_arguments
    from xqg_pyserini.training.retriever.trainer import (
        QueryPositions,
        RetrieverTrainer,
        collate_positions,
    )

    config = config_for(model_dir, tmp_path / "out", **overrides)
    return RetrieverTrainer(
        model=AutoModel.from_pretrained(model_dir),
        args=_training_arguments(config, tmp_path / "work", 10),
        train_dataset=QueryPositions(len(examples)),
        data_collator=collate_positions,
        processing_class=AutoTokenizer.from_pretrained(model_dir),
        groups=GroupSampler(examples, config.train_n_passages, config.seed),
        settings=config.encoder_settings,
        temperature=config.temperature,
        query_chunk=config.query_chunk,
        passage_chunk=config.passage_chunk,
    )


# -- the loss --------------------------------------------------------------------


@pytest.mark.parametrize("pooling", ["cls", "mean"])
@pytest.mark.parametrize("temperature", [1.0, 0.05])
def test_batch_loss_equals_an_independent_computation(still_bert, tmp_path, pooling, temperature):
    examples = synthetic_task(8)
    trainer = make_trainer(still_bert, tmp_path, examples, pooling=pooling, temperature=temperature)
    positions = torch.tensor([0, 1, 2, 3])
    loss = trainer.compute_loss(trainer.model, {"positions": positions})

    # Independently: the model's own hidden states, pooled by hand, scored one query at a time.
    q_inputs, p_inputs = trainer.batch_inputs(positions)
    with torch.no_grad():
        q_hidden = trainer.model(**q_inputs).last_hidden_state
        p_hidden = trainer.model(**p_inputs).last_hidden_state

    def pooled(hidden, mask):  # type: ignore[no-untyped-def]
        if pooling == "cls":
            return hidden[:, 0]
        rows = []
        for h, m in zip(hidden, mask, strict=True):
            rows.append(h[m.bool()].mean(dim=0))
        return torch.stack(rows)

    q = pooled(q_hidden, q_inputs["attention_mask"]).double()
    p = pooled(p_hidden, p_inputs["attention_mask"]).double()
    expected = 0.0
    for i in range(4):
        logits = [float(q[i] @ p[j]) / temperature for j in range(12)]
        top = max(logits)
        log_sum = top + torch.log(
            torch.tensor([sum(torch.exp(torch.tensor(x - top)) for x in logits)])
        )
        expected += float(log_sum) - logits[i * 3]
    assert float(loss.detach()) == pytest.approx(expected / 4, rel=1e-4)  # float32 vs float64


def test_loss_targets_each_query_own_positive():
    q = torch.eye(2)
    p = torch.tensor([[10.0, 0], [0, 0], [0, 10.0], [0, 0]])  # groups of two, positive first
    assert float(contrastive_loss(q, p)) < 1e-3
    swapped = torch.tensor([[0, 10.0], [0, 0], [10.0, 0], [0, 0]])
    assert float(contrastive_loss(q, swapped)) > 5


def _gradients(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_gradient_cache_gives_the_same_loss_and_gradients(still_bert, tmp_path, pooling):
    examples = synthetic_task(8)
    positions = torch.arange(8)
    whole = make_trainer(still_bert, tmp_path, examples, pooling=pooling, batch_size=8)
    whole.model.train()
    loss = whole.compute_loss(whole.model, {"positions": positions})
    loss.backward()
    expected = _gradients(whole.model)

    cached = make_trainer(still_bert, tmp_path, examples, pooling=pooling, batch_size=8)
    cached.model.train()
    q_inputs, p_inputs = cached.batch_inputs(positions)
    cached_loss = grad_cache_step(
        lambda chunk: __import__("xqg_pyserini.encoders.embedding", fromlist=["embed"]).embed(
            cached.model, chunk, cached.settings
        ),
        q_inputs, p_inputs, cached._loss, query_chunk=3, passage_chunk=5,
        backward=lambda x: x.backward(),
    )  # fmt: skip
    got = _gradients(cached.model)
    assert float(cached_loss) == pytest.approx(float(loss.detach()), abs=1e-5)
    assert set(got) == set(expected) and expected
    for name, grad in expected.items():
        assert torch.allclose(got[name], grad, atol=1e-5), name


# -- sampling --------------------------------------------------------------------


def test_groups_follow_tevatron_sampling():
    examples = synthetic_task(8, negatives=6)
    positives = tuple(TrainingPassage(f"p{i}", "", f"pos {i}") for i in range(3))
    examples[1] = examples[1]._replace(positives=positives)
    sampler = GroupSampler(examples, n_passages=4, seed=42)
    h = hash(1 + 42)
    for epoch in range(4):
        _, group = sampler.group(1, epoch)
        assert group[0] == positives[(h + epoch) % 3]
        negatives = list(examples[1].negatives)
        random.Random(h).shuffle(negatives)
        offset = epoch * 3 % 6
        assert group[1:] == (negatives * 2)[offset : offset + 3]
    assert sampler.group(1, 0) == sampler.group(1, 0)
    assert sampler.group(1, 0) != sampler.group(1, 1)


def test_too_few_negatives_are_drawn_with_replacement_reproducibly():
    examples = synthetic_task(4, negatives=2)
    sampler = GroupSampler(examples, n_passages=6, seed=1)
    _, group = sampler.group(0, 3)
    assert len(group) == 6 and set(group[1:]) <= set(examples[0].negatives)
    assert GroupSampler(examples, 6, 1).group(0, 3) == (examples[0].query, group)


# -- training ------------------------------------------------------------------------


def _mrr(model_dir: Path, settings: EncoderSettings, examples) -> float:  # type: ignore[no-untyped-def]
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    encoder = TransformerEncoder(settings.with_overrides(model=str(model_dir)))
    passages = [e.positives[0] for e in examples]
    p = encoder.encode_passages([x.text for x in passages], [x.title for x in passages])
    q = encoder.encode_queries([e.query for e in examples])
    ranks = (q @ p.T).argsort(axis=1)[:, ::-1]
    return sum(1 / (list(row).index(i) + 1) for i, row in enumerate(ranks)) / len(examples)


def test_a_tiny_model_retrieves_better_after_training(tiny_bert, tmp_path):
    examples = synthetic_task(48, seed=5)
    config = config_for(
        tiny_bert, tmp_path / "trained", batch_size=8, epochs=6, learning_rate=2e-3, pooling="mean"
    )
    before = _mrr(tiny_bert, config.encoder_settings, examples)
    record = train_retriever(config, examples)
    after = _mrr(tmp_path / "trained", config.encoder_settings, examples)
    assert record["steps"] == 36
    assert after > before + 0.1, (before, after)


def _weights(directory: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(directory / "model.safetensors"))


def test_a_killed_run_resumes_to_the_same_weights(tiny_bert, tmp_path):
    examples = synthetic_task(24, seed=7)
    settings = dict(batch_size=4, epochs=2, save_every=4)
    straight = config_for(tiny_bert, tmp_path / "straight", **settings)
    train_retriever(straight, examples)

    resumed = config_for(tiny_bert, tmp_path / "resumed", **settings)
    with pytest.raises(KeyboardInterrupt):
        train_retriever(resumed, examples, callbacks=[kill_after_step(6)])
    assert not (tmp_path / "resumed").exists()
    assert (work_directory(tmp_path / "resumed") / "checkpoint-4").is_dir()
    record = train_retriever(resumed, examples)
    assert record["resumed_from"] == "checkpoint-4"
    assert not work_directory(tmp_path / "resumed").exists()
    a, b = _weights(tmp_path / "straight"), _weights(tmp_path / "resumed")
    assert a.keys() == b.keys()
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-6), name


def test_resuming_with_other_settings_is_refused(tiny_bert, tmp_path):
    examples = synthetic_task(16)
    first = config_for(tiny_bert, tmp_path / "m", save_every=2)
    with pytest.raises(KeyboardInterrupt):
        train_retriever(first, examples, callbacks=[kill_after_step(3)])
    other = config_for(tiny_bert, tmp_path / "m", save_every=2, learning_rate=5e-4)
    with pytest.raises(Exception, match=r"differs in: learning_rate"):
        train_retriever(other, examples)


# -- the output ----------------------------------------------------------------------


def test_output_records_settings_that_the_index_uses(tiny_bert, tmp_path):
    config = config_for(
        tiny_bert, tmp_path / "m", pooling="mean", l2_norm=True, query_prefix="query:",
        passage_prefix="passage:", query_max_length=16, passage_max_length=48,
    )  # fmt: skip
    train_retriever(config, synthetic_task(8))
    out = tmp_path / "m"
    assert (out / "config.json").is_file() and (out / "tokenizer.json").is_file()
    record = json.loads((out / "training_record.json").read_text())
    assert record["steps"] == 2 and record["data"]["queries"] == 8
    assert record["loss_curve"] and record["settings"]["learning_rate"] == 1e-3
    settings = resolve_encoder(str(out))
    assert settings == EncoderSettings(str(out), "mean", True, "query:", "passage:", 16, 48)
    assert resolve_encoder(str(out), pooling="cls").pooling == "cls"


def test_existing_output_is_refused_without_overwrite(tiny_bert, tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "keep.txt").write_text("mine")
    with pytest.raises(TrainingOutputExistsError, match="--overwrite"):
        train_retriever(config_for(tiny_bert, tmp_path / "m"), synthetic_task(8))
    assert (tmp_path / "m" / "keep.txt").read_text() == "mine"


def test_a_model_that_is_not_an_encoder_is_refused(tiny_mt5, tmp_path):
    with pytest.raises(NotAnEncoderError, match="encoder-decoder"):
        train_retriever(config_for(tiny_mt5, tmp_path / "m"), synthetic_task(8))


def test_a_batch_size_the_data_cannot_fill_is_refused(tiny_bert, tmp_path):
    with pytest.raises(TrainingDataError, match="--batch-size 16 needs at least 16"):
        train_retriever(config_for(tiny_bert, tmp_path / "m", batch_size=16), synthetic_task(8))


def test_queries_without_positives_or_negatives_are_refused():
    example = synthetic_task(6)[0]
    with pytest.raises(TrainingDataError, match="'q0' has no positive"):
        GroupSampler([example._replace(positives=())], 2, 0)
    with pytest.raises(
        TrainingDataError, match="'q0' has no negative passages.*--train-n-passages 1"
    ):
        GroupSampler([example._replace(negatives=())], 2, 0)
    GroupSampler([example._replace(negatives=())], 1, 0)

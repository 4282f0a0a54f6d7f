"""Triples as model inputs: the filled prompt in, the question as labels.

The input is the prompt template filled for the triple's passage title, text
and target language (the same :class:`~xqg_pyserini.generation.prompts.PromptTemplate`
that ``python -m xqg_pyserini.generate`` fills), cut at ``max_input_length``
tokens (the end of the passage goes; the end-of-sequence token stays). The
labels are the question's tokens, cut at ``max_target_length``. A batch is
padded by Hugging Face's ``DataCollatorForSeq2Seq``: inputs with the pad token,
labels with -100, which the model's own loss ignores. Training and dev use
the same prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xqg_pyserini.generation.prompts import PromptTemplate
from xqg_pyserini.training.generator.triples import QuestionTriple

__all__ = ["LABEL_PAD", "TripleFeatures", "prompt_text", "seq2seq_collator"]

LABEL_PAD = -100
"""The label of padding positions: ignored by the cross-entropy."""


def prompt_text(template: PromptTemplate, triple: QuestionTriple) -> str:
    """The model input for one triple."""
    return template.format(triple.language, triple.passage)


class TripleFeatures:
    """The dataset the Trainer iterates: item ``i`` is triple ``i`` tokenised.

    Items are tokenised when asked for, so a large training set costs no
    up-front pass and no memory for token ids.
    """

    def __init__(
        self,
        triples: Sequence[QuestionTriple],
        tokenizer: Any,
        template: PromptTemplate,
        max_input_length: int,
        max_target_length: int,
    ) -> None:
        self.triples = list(triples)
        self.tokenizer = tokenizer
        self.template = template
        self.max_input_length = max_input_length
        self.max_target_length = max_target_length

    def __len__(self) -> int:
        return len(self.triples)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        triple = self.triples[index]
        inputs = self.tokenizer(
            prompt_text(self.template, triple), max_length=self.max_input_length, truncation=True
        )
        labels = self.tokenizer(
            text_target=triple.question, max_length=self.max_target_length, truncation=True
        )
        return {
            "input_ids": inputs["input_ids"],
            "attention_mask": inputs["attention_mask"],
            "labels": labels["input_ids"],
        }


def seq2seq_collator(tokenizer: Any, model: Any) -> Any:
    """Pads inputs with the pad token and labels with :data:`LABEL_PAD`, as tensors."""
    from transformers import DataCollatorForSeq2Seq

    return DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=LABEL_PAD)

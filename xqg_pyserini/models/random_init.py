"""Randomly initialised Hugging Face models with real trained tokenizers, built in seconds.

For tests and benchmarks on machines with no model hub: a BERT (mBERT's
architecture), an XLM-R and an mT5, each saved as a normal model directory that
``AutoModel`` / ``AutoModelForSeq2SeqLM`` / ``AutoTokenizer`` load. Tokenizers are
trained with the ``tokenizers`` library on a few sentences in the eight
languages the project handles (WordPiece for BERT, Unigram for XLM-R and mT5).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MODEL_KINDS", "TRAINING_SENTENCES", "build_random_model"]

MODEL_KINDS = ("bert", "xlm-roberta", "mt5")

TRAINING_SENTENCES = [
    "Mount Fuji is the highest mountain in Japan, 3,776 metres tall.",
    "The passage describes the history of the city and its river.",
    "What is the capital of Finland? Helsinki is the capital.",
    "富士山は日本で最も高い山です。高さは何メートルですか？",
    "東京は日本の首都であり、世界最大の都市圏の一つです。",
    "한글은 세종대왕이 만든 한국의 문자입니다. 서울은 어디에 있나요?",
    "Москва — столица России. Кто написал роман «Война и мир»?",
    "Helsinki on Suomen pääkaupunki. Kuka sävelsi Finlandian?",
    "القاهرة هي عاصمة مصر. ما هو أطول نهر في العالم؟",
    "রবীন্দ্রনাথ ঠাকুর নোবেল পুরস্কার পেয়েছিলেন। ঢাকা কোথায়?",
    "హైదరాబాద్ తెలంగాణ రాజధాని. తెలుగు సినిమా ఎప్పుడు మొదలైంది?",
    "Generate a Japanese question for this passage: Kyoto was the capital.",
]


def _train_wordpiece(vocab_size: int):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers.trainers import WordPieceTrainer

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(
        TRAINING_SENTENCES, WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials)
    )
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return tok


def _train_unigram(vocab_size: int, specials: list[str], template: str | None):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from tokenizers.trainers import UnigramTrainer

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = UnigramTrainer(
        vocab_size=vocab_size, special_tokens=specials, unk_token=specials[specials.index("<unk>")]
    )
    tok.train_from_iterator(TRAINING_SENTENCES, trainer)
    if template is not None:
        tok.post_processor = processors.TemplateProcessing(
            single=template,
            special_tokens=[(t, tok.token_to_id(t)) for t in ("<s>", "</s>") if t in template],
        )
    else:  # T5 style: append </s>
        tok.post_processor = processors.TemplateProcessing(
            single="$A </s>", special_tokens=[("</s>", tok.token_to_id("</s>"))]
        )
    return tok


def _encoder_size(hidden: int) -> dict[str, int]:
    """The size of the tiny BERT-family encoders: 2 layers, 2 heads."""
    return dict(
        hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2, intermediate_size=hidden * 2
    )


def _bert(vocab_size: int, hidden: int):  # type: ignore[no-untyped-def]
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    tok = PreTrainedTokenizerFast(
        tokenizer_object=_train_wordpiece(vocab_size),
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    config = BertConfig(vocab_size=len(tok), max_position_embeddings=512, **_encoder_size(hidden))
    return tok, BertModel(config)


def _xlm_roberta(vocab_size: int, hidden: int):  # type: ignore[no-untyped-def]
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = PreTrainedTokenizerFast(
        tokenizer_object=_train_unigram(vocab_size, specials, "<s> $A </s>"),
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        cls_token="<s>",
        sep_token="</s>",
        mask_token="<mask>",
        model_max_length=512,
    )
    config = XLMRobertaConfig(
        vocab_size=len(tok),
        max_position_embeddings=514,  # XLM-R positions start after the padding id
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        **_encoder_size(hidden),
    )
    return tok, XLMRobertaModel(config)


def _mt5(vocab_size: int, hidden: int):  # type: ignore[no-untyped-def]
    from transformers import MT5Config, MT5ForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>"]
    tok = PreTrainedTokenizerFast(
        tokenizer_object=_train_unigram(vocab_size, specials, None),
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        model_max_length=512,
    )
    config = MT5Config(
        vocab_size=len(tok),
        d_model=hidden,
        d_kv=hidden // 2,
        d_ff=hidden * 2,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    return tok, MT5ForConditionalGeneration(config)


def build_random_model(
    kind: str, directory: Path, seed: int = 0, vocab_size: int = 400, hidden: int = 32
) -> Path:
    """Build and save a random model of ``kind`` (one of :data:`MODEL_KINDS`) into ``directory``.

    The same ``seed`` gives the same weights. Returns ``directory``.
    """
    import torch

    builders = {"bert": _bert, "xlm-roberta": _xlm_roberta, "mt5": _mt5}
    if kind not in builders:
        raise ValueError(f"unknown model kind {kind!r}: expected one of {', '.join(MODEL_KINDS)}")
    torch.manual_seed(seed)
    tokenizer, model = builders[kind](vocab_size, hidden)
    model.eval()
    directory = Path(directory)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory

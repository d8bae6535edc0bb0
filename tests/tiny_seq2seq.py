"""A tiny randomly initialised seq2seq model directory, built by the tests themselves, so
the transformers engine's loading, batching and generation run for real offline (the
output is meaningless; translation quality is measured on the packaged engines)."""

from __future__ import annotations

from pathlib import Path

WORDS = "the a of and to in is you that it he was for on are as with his they at".split()
SPECIALS = ["<pad>", "</s>", "<unk>"]
LANGUAGE_TOKENS = ["__en__", "__es__", "__de__"]


def build_tiny_seq2seq(directory: Path, architecture: str = "marian", seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import (
        M2M100Config,
        M2M100ForConditionalGeneration,
        MarianConfig,
        MarianMTModel,
        PreTrainedTokenizerFast,
    )

    vocab = {token: i for i, token in enumerate(SPECIALS + LANGUAGE_TOKENS + WORDS)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", special_tokens=[("</s>", vocab["</s>"])]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        additional_special_tokens=LANGUAGE_TOKENS,
    ).save_pretrained(directory)

    sizes = dict(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=64, pad_token_id=0, eos_token_id=1,
        forced_eos_token_id=1, init_std=1.0,
        decoder_start_token_id=1 if architecture == "m2m_100" else 0,
    )  # fmt: skip
    torch.manual_seed(seed)
    if architecture == "marian":
        model = MarianMTModel(MarianConfig(**sizes))
    else:
        model = M2M100ForConditionalGeneration(M2M100Config(**sizes))
    model.save_pretrained(directory)
    return directory

"""A tiny randomly initialised Whisper, built by the tests themselves, as a transformers
directory and, through ctranslate2's own converter, as a CTranslate2 directory: the
conversion back (locsvc/adapters/whisper_conversion.py) is checked against the weights
it started from, without the packaged model's 145 MB (the output is meaningless)."""

from __future__ import annotations

import os
from pathlib import Path

# Byte-level tokens 0..255, then Whisper's special tokens in Whisper's order.
LANGUAGES = ["en", "de"]
SPECIALS = [
    "<|endoftext|>", "<|startoftranscript|>", *(f"<|{code}|>" for code in LANGUAGES),
    "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>",
    "<|notimestamps|>",
]  # fmt: skip
TIMESTAMPS = 30
ALIGNMENT_HEADS = [[1, 0], [1, 3]]


def build_tiny_whisper(directory: Path, seed: int = 0) -> Path:
    """A transformers Whisper directory: 2 layers, 4 heads, 64 wide, an MLP 4x as wide
    (openai-whisper's blocks know no other), 80 mel bins."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # as the adapters do: a local directory, no hub
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration
    from transformers import WhisperTokenizer as HfWhisperTokenizer

    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokenizer = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tokenizer.pre_tokenizer = byte_level
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens(SPECIALS)
    tokenizer.add_tokens([f"<|{i * 0.02:.2f}|>" for i in range(TIMESTAMPS)])
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / "tokenizer.json"))
    ids = {token: tokenizer.token_to_id(token) for token in SPECIALS}
    HfWhisperTokenizer(tokenizer_file=str(directory / "tokenizer.json")).save_pretrained(directory)

    end = ids["<|endoftext|>"]
    config = WhisperConfig(
        vocab_size=tokenizer.get_vocab_size(), num_mel_bins=80, d_model=64,
        encoder_layers=2, encoder_attention_heads=4, encoder_ffn_dim=256,
        decoder_layers=2, decoder_attention_heads=4, decoder_ffn_dim=256,
        max_source_positions=1500, max_target_positions=64,
        bos_token_id=end, eos_token_id=end, pad_token_id=end,
        decoder_start_token_id=ids["<|startoftranscript|>"],
        suppress_tokens=[1, 2], begin_suppress_tokens=[end],
    )  # fmt: skip
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config)
    with torch.no_grad():  # every bias non-zero (init leaves them at 0): a mix-up shows
        for name, parameter in model.named_parameters():
            if name.endswith("bias") or "layer_norm" in name:
                parameter.normal_(0.0, 0.5)
    model.generation_config = GenerationConfig(
        alignment_heads=ALIGNMENT_HEADS, suppress_tokens=[1, 2], begin_suppress_tokens=[end],
        lang_to_id={f"<|{code}|>": ids[f"<|{code}|>"] for code in LANGUAGES},
        task_to_id={task: ids[f"<|{task}|>"] for task in ("translate", "transcribe")},
        is_multilingual=True, no_timestamps_token_id=ids["<|notimestamps|>"],
        decoder_start_token_id=ids["<|startoftranscript|>"], bos_token_id=end,
        eos_token_id=end, pad_token_id=end, max_length=64,
    )  # fmt: skip
    model.save_pretrained(directory)
    return directory


def convert_to_ct2(hf_directory: Path, ct2_directory: Path) -> Path:
    """ctranslate2's own converter, float32 (nothing rounded), with the tokenizer beside
    the model as faster-whisper's model directories have it."""
    import shutil

    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(hf_directory)).convert(str(ct2_directory), force=True)
    shutil.copyfile(hf_directory / "tokenizer.json", ct2_directory / "tokenizer.json")
    return ct2_directory

"""The CTranslate2 -> openai-whisper / transformers conversion, on a tiny random Whisper
that ctranslate2's own converter wrote (tests/tiny_whisper.py): the weights come back
exactly, and both rewritten models compute what the original computes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from locsvc.adapters import whisper_conversion
from locsvc.adapters.asr_models import file_sha256
from locsvc.adapters.whisper_conversion import (
    Ct2Whisper,
    openai_whisper_checkpoint,
    read_ct2,
    transformers_model_dir,
)
from locsvc.domain.errors import ModelUnavailable

from ..tiny_whisper import ALIGNMENT_HEADS, build_tiny_whisper, convert_to_ct2

pytest.importorskip("whisper", reason="the openai-whisper extra (make setup installs it)")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(the original transformers directory, the CTranslate2 directory made from it)."""
    root = tmp_path_factory.mktemp("tiny-whisper")
    original = build_tiny_whisper(root / "original")
    return original, convert_to_ct2(original, root / "ct2")


@pytest.fixture(scope="module")
def original_model(tiny):
    import torch
    from transformers import WhisperForConditionalGeneration

    return WhisperForConditionalGeneration.from_pretrained(tiny[0], dtype=torch.float32).eval()


@pytest.fixture(scope="module")
def mel():
    import torch

    torch.manual_seed(1)
    return torch.randn(1, 80, 3000)


def test_the_container_reads_back_what_ctranslate2_wrote(tiny, original_model):
    container = read_ct2(tiny[1] / "model.bin")
    assert container.spec == "WhisperSpec"
    assert container.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    embeddings = original_model.model.decoder.embed_tokens.weight.detach().numpy()
    assert np.array_equal(container.variables["decoder/embeddings/weight"], embeddings)
    model = Ct2Whisper.read(tiny[1])
    assert (model.dims.n_audio_layer, model.dims.n_text_head, model.dims.n_text_ctx) == (2, 4, 64)
    assert model.languages == {"<|en|>": 258, "<|de|>": 259}
    assert model.alignment_heads == ALIGNMENT_HEADS


def test_transformers_conversion_gives_back_the_original_weights(tiny, original_model, tmp_path):
    from safetensors.numpy import load_file

    converted = load_file(str(transformers_model_dir(str(tiny[1]), tmp_path) / "model.safetensors"))
    original = {k: v.detach().numpy() for k, v in original_model.state_dict().items()}
    assert set(converted) == set(original) - {"proj_out.weight"}  # tied to the embedding
    for name, array in converted.items():
        assert np.array_equal(array, original[name]), name


def test_transformers_directory_loads_offline_and_generates_the_same(tiny, original_model, mel,
                                                                     tmp_path):  # fmt: skip
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    directory = transformers_model_dir(str(tiny[1]), tmp_path)
    model = WhisperForConditionalGeneration.from_pretrained(directory, dtype=torch.float32)
    processor = WhisperProcessor.from_pretrained(directory)
    assert processor.tokenizer.decode(processor.tokenizer("hello").input_ids,
                                      skip_special_tokens=True) == "hello"  # fmt: skip
    generation = model.generation_config
    assert generation.alignment_heads == ALIGNMENT_HEADS
    assert generation.lang_to_id == {"<|en|>": 258, "<|de|>": 259}
    assert generation.suppress_tokens == [1, 2] and generation.begin_suppress_tokens == [256]
    with torch.inference_mode():
        ours = model.generate(mel, max_new_tokens=8, num_beams=1, language="en")
        theirs = original_model.generate(mel, max_new_tokens=8, num_beams=1, language="en")
    assert ours.tolist() == theirs.tolist()


def test_openai_checkpoint_computes_what_the_original_computes(tiny, original_model, mel,
                                                               tmp_path):  # fmt: skip
    import torch
    import whisper

    checkpoint = openai_whisper_checkpoint(str(tiny[1]), tmp_path)
    model = whisper.load_model(str(checkpoint), device="cpu")  # the engine's own loader
    tokens = torch.tensor([[257, 258, 261, 265, 40, 41, 42]])
    with torch.inference_mode():
        ours = model(mel, tokens)
        theirs = original_model(input_features=mel, decoder_input_ids=tokens).logits
    assert torch.allclose(ours, theirs, atol=1e-4), float((ours - theirs).abs().max())
    saved = torch.load(checkpoint, weights_only=True)
    model.set_alignment_heads(saved["alignment_heads"])
    assert model.alignment_heads.to_dense().nonzero().tolist() == ALIGNMENT_HEADS


def test_each_conversion_runs_once_named_after_its_source(tiny, tmp_path):
    import torch

    source_sha = file_sha256(tiny[1] / "model.bin")
    checkpoint = openai_whisper_checkpoint(str(tiny[1]), tmp_path)
    directory = transformers_model_dir(str(tiny[1]), tmp_path)
    assert checkpoint == tmp_path / "openai-whisper" / f"ct2-{source_sha[:12]}.pt"
    assert directory == tmp_path / "transformers" / f"ct2-{source_sha[:12]}"
    assert torch.load(checkpoint, weights_only=True)["source"] == {
        "model": "ct2", "sha256": source_sha}  # fmt: skip
    assert json.loads((directory / "conversion.json").read_text())["sha256"] == source_sha
    stamps = checkpoint.stat().st_mtime_ns, (directory / "model.safetensors").stat().st_mtime_ns
    assert openai_whisper_checkpoint(str(tiny[1]), tmp_path) == checkpoint
    assert transformers_model_dir(str(tiny[1]), tmp_path) == directory
    assert stamps == (checkpoint.stat().st_mtime_ns,
                      (directory / "model.safetensors").stat().st_mtime_ns)  # fmt: skip
    leftovers = [p.name for p in tmp_path.rglob(".*")]
    assert leftovers == []  # no temporary file or directory stays behind


def test_a_failed_conversion_leaves_no_half_model(tiny, tmp_path, monkeypatch):
    def crash(model, out):
        (out / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(whisper_conversion, "_write_transformers", crash)
    with pytest.raises(OSError, match="disk full"):
        transformers_model_dir(str(tiny[1]), tmp_path)
    assert list((tmp_path / "transformers").iterdir()) == []


def test_an_operators_own_model_is_used_as_it_is(tiny, tmp_path):
    checkpoint = tmp_path / "mine.pt"
    checkpoint.write_bytes(b"a checkpoint")
    assert openai_whisper_checkpoint(str(checkpoint), tmp_path / "cache") == checkpoint
    assert transformers_model_dir(str(tiny[0]), tmp_path / "cache") == tiny[0]
    assert not (tmp_path / "cache").exists()  # nothing converted
    with pytest.raises(ModelUnavailable, match="no such checkpoint"):
        openai_whisper_checkpoint(str(tmp_path / "missing.pt"), tmp_path)
    with pytest.raises(ModelUnavailable, match="neither"):
        transformers_model_dir(str(tmp_path / "nothing-here"), tmp_path)


def test_a_file_that_is_not_a_ctranslate2_model_is_refused(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"\x06\x00\x00\x00garbage")
    with pytest.raises(ModelUnavailable, match="not a readable CTranslate2 model"):
        read_ct2(tmp_path / "model.bin")

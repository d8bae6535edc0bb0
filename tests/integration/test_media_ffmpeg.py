import wave

import pytest

from locsvc.adapters.media_ffmpeg import extract_audio, probe
from locsvc.domain.errors import EmptyUpload, NotMedia, UnusableMedia


def test_probe_audio(data_dir):
    info = probe(data_dir / "jfk" / "jfk.mp3")
    assert info.has_audio and not info.has_video
    assert info.frame_rate is None
    assert 11_000 <= info.duration_ms <= 11_200


def test_probe_video_gives_exact_frame_rate(media_dir):
    info = probe(media_dir / "jfk.mp4")
    assert info.has_video and info.has_audio
    assert info.frame_rate == "24000/1001"


@pytest.mark.parametrize(
    "name, error",
    [
        ("notes.mp4", NotMedia),
        ("empty.wav", EmptyUpload),
        ("truncated-jfk.mp4", NotMedia),  # moov atom at the end: nothing readable
        ("silent-video.mp4", UnusableMedia),
    ],
)
def test_probe_rejects_bad_files(media_dir, name, error):
    with pytest.raises(error) as raised:
        probe(media_dir / name)
    assert str(media_dir) not in raised.value.message  # no server paths in user messages


@pytest.mark.parametrize("name", ["bad.wav", "evil.wav", "null.wav", "awful.wav"])
def test_probe_rejects_broken_wavs(data_dir, name):
    with pytest.raises((NotMedia, UnusableMedia)):
        probe(data_dir / "bad_input" / name)


def test_extract_audio_is_16k_mono(media_dir, tmp_path):
    target = tmp_path / "audio.wav"
    decoded_ms = extract_audio(
        media_dir / "jfk.mp4", target, probe(media_dir / "jfk.mp4").duration_ms
    )
    with wave.open(str(target)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (16000, 1, 2)
    assert abs(decoded_ms - 11_050) < 300


def test_truncated_file_that_still_probes_is_caught_when_decoding(media_dir, tmp_path):
    path = media_dir / "truncated-jfk-faststart.mp4"
    info = probe(path)  # the index is at the front, so the container still claims 11 s
    with pytest.raises(UnusableMedia) as raised:
        extract_audio(path, tmp_path / "audio.wav", info.duration_ms)
    assert raised.value.details["reason"] == "truncated"


def test_shot_changes_found_in_a_cut_video(tmp_path):
    """Three 2 s shots of different test patterns: cuts at 2 s and 4 s."""
    import subprocess

    from locsvc.adapters.media_ffmpeg import detect_shot_changes

    video = tmp_path / "cuts.mp4"
    sources = ["testsrc2", "smptebars", "mandelbrot"]
    inputs = [
        arg
        for s in sources
        for arg in ("-f", "lavfi", "-t", "2", "-i", f"{s}=size=320x240:rate=25")
    ]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
         "[0:v][1:v][2:v]concat=n=3:v=1:a=0", "-pix_fmt", "yuv420p", str(video)],
        check=True,
    )  # fmt: skip
    assert detect_shot_changes(video) == [2000, 4000]


def test_no_shot_changes_in_a_single_shot(media_dir):
    from locsvc.adapters.media_ffmpeg import detect_shot_changes

    assert detect_shot_changes(media_dir / "jfk.mp4") == []


def test_a_video_that_runs_on_after_its_sound_is_not_truncated(tmp_path):
    import subprocess

    video = tmp_path / "credits.mp4"  # 5 s of picture, 2 s of sound
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         "testsrc2=size=160x120:rate=25:duration=5", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=2", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", str(video)],
        check=True,
    )  # fmt: skip
    info = probe(video)
    assert info.duration_ms >= 4900 and 1900 <= info.expected_audio_ms <= 2100
    decoded = extract_audio(video, tmp_path / "audio.wav", info.expected_audio_ms)
    assert abs(decoded - info.expected_audio_ms) < 100

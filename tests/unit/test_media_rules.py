import pytest

from locsvc.domain.errors import NotMedia, UnusableMedia
from locsvc.domain.media import MediaInfo, check_usable


def info(**changes) -> MediaInfo:
    base = dict(
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
        duration_ms=60_000,
        has_audio=True,
        has_video=True,
        frame_rate="24000/1001",
    )
    return MediaInfo(**{**base, **changes})


def test_video_with_audio_is_usable():
    assert check_usable(info()).frame_rate_value == pytest.approx(23.976, abs=1e-3)


def test_still_image_is_not_media():
    with pytest.raises(NotMedia):
        check_usable(info(format_name="png_pipe", has_audio=False))


def test_no_audio_stream_is_unusable():
    with pytest.raises(UnusableMedia) as raised:
        check_usable(info(has_audio=False))
    assert raised.value.details["reason"] == "no_audio_stream"


def test_too_short_is_unusable():
    with pytest.raises(UnusableMedia) as raised:
        check_usable(info(duration_ms=0))
    assert raised.value.details["reason"] == "too_short"


def test_round_trip():
    assert MediaInfo.from_dict(info().to_dict()) == info()

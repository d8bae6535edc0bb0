"""ffprobe and ffmpeg, wrapped with the tool's own words in every error."""

from __future__ import annotations

import json
import re
import shutil
import wave
from fractions import Fraction
from pathlib import Path

from ..domain.errors import EmptyUpload, NotMedia, StageFailed, UnusableMedia
from ..domain.media import MediaInfo, check_usable
from .subprocesses import run

ASR_SAMPLE_RATE = 16_000  # Whisper's input rate
# A frame whose scene score (0..1, difference to the previous frame) passes this is a cut;
# 0.3 is ffmpeg's documented starting point. Scoring small frames is as good and faster.
SCENE_THRESHOLD = 0.3
SCENE_ANALYSIS_WIDTH = 160
SHOWINFO_TIME = re.compile(r"pts_time:\s*([0-9.]+)")
# Decoded audio shorter than the container claims by more than this is a truncated file.
TRUNCATION_TOLERANCE_MS = 1000
TRUNCATION_TOLERANCE_RATIO = 0.05
DECODE_TIMEOUT_S = 6 * 3600  # decoding a feature-length file never takes this long
PROBE_TIMEOUT_S = 120


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StageFailed(f"{name} is not installed; install ffmpeg (apt-get install ffmpeg).")
    return path


def _stderr_tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


def probe(path: Path) -> MediaInfo:
    """Read a file's streams; raise NotMedia/UnusableMedia when it cannot be used."""
    if Path(path).stat().st_size == 0:
        raise EmptyUpload("The file is empty (0 bytes).")
    command = [
        _tool("ffprobe"),
        "-v",
        "error",
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        str(path),
    ]
    result = run(command, text=True, timeout=PROBE_TIMEOUT_S, timeout_error=UnusableMedia)
    if result.returncode != 0:
        said = _stderr_tail(result.stderr.replace(str(path), "the file"))
        raise NotMedia("This is not a readable audio or video file: " + said, tool_output=said)
    return check_usable(_media_info(json.loads(result.stdout or "{}")))


def _media_info(report: dict) -> MediaInfo:
    streams = report.get("streams", [])
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not s.get("disposition", {}).get("attached_pic")  # cover art is not picture
        ),
        None,
    )
    duration = report.get("format", {}).get("duration") or (audio or {}).get("duration") or 0
    frame_rate = None
    if video is not None:
        rate = video.get("avg_frame_rate") or video.get("r_frame_rate") or "0/0"
        if rate not in ("0/0", "0/1"):
            frame_rate = str(Fraction(rate))
    return MediaInfo(
        format_name=report.get("format", {}).get("format_name", "unknown"),
        duration_ms=round(float(duration) * 1000),
        has_audio=audio is not None,
        has_video=video is not None,
        frame_rate=frame_rate,
        audio_codec=(audio or {}).get("codec_name"),
        video_codec=(video or {}).get("codec_name"),
        audio_duration_ms=round(float(audio["duration"]) * 1000)
        if audio and audio.get("duration")
        else None,
    )


def _decode(command: list[str], source: Path, failure: str) -> str:
    """Run an ffmpeg decode; its stderr, or UnusableMedia in ffmpeg's own words."""
    result = run(command, text=True, timeout=DECODE_TIMEOUT_S, timeout_error=UnusableMedia)
    if result.returncode != 0:
        said = _stderr_tail(result.stderr.replace(str(source), "the file"))
        raise UnusableMedia(f"{failure}: {said}", reason="decode_failed")
    return result.stderr


def extract_audio(source: Path, target: Path, expected_duration_ms: int) -> int:
    """Decode the first audio stream to 16 kHz mono 16-bit WAV at ``target``.

    Returns the decoded duration in ms; raises UnusableMedia when the file decodes
    to much less than its container promised (a truncated upload)."""
    command = [
        _tool("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(ASR_SAMPLE_RATE),
        "-c:a", "pcm_s16le", "-f", "wav", str(target),
    ]  # fmt: skip
    _decode(command, source, "The audio could not be decoded")
    with wave.open(str(target), "rb") as decoded:
        decoded_ms = round(decoded.getnframes() * 1000 / decoded.getframerate())
    missing_ms = expected_duration_ms - decoded_ms
    if missing_ms > max(TRUNCATION_TOLERANCE_MS, expected_duration_ms * TRUNCATION_TOLERANCE_RATIO):
        raise UnusableMedia(
            f"The file looks truncated: it decodes to {decoded_ms / 1000:.1f} s "
            f"of its {expected_duration_ms / 1000:.1f} s.",
            reason="truncated",
            decoded_ms=decoded_ms,
            expected_ms=expected_duration_ms,
        )
    return decoded_ms


def detect_shot_changes(source: Path, threshold: float = SCENE_THRESHOLD) -> list[int]:
    """Times (ms) of the cuts in a video, from ffmpeg's scene-change score."""
    command = [
        _tool("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-v", "info", "-i", str(source),
        "-an", "-vf", f"scale={SCENE_ANALYSIS_WIDTH}:-2,select='gt(scene,{threshold})',showinfo",
        "-f", "null", "-",
    ]  # fmt: skip
    stderr = _decode(command, source, "The video could not be analysed for shot changes")
    return [round(float(seconds) * 1000) for seconds in SHOWINFO_TIME.findall(stderr)]


class FfmpegMediaTool:
    """The MediaTool port."""

    probe = staticmethod(probe)
    extract_audio = staticmethod(extract_audio)
    detect_shot_changes = staticmethod(detect_shot_changes)

"""`locsvc translate`: a subtitle file through a real engine, with a glossary, re-fitted."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from locsvc.adapters.formats import read_subtitles
from locsvc.cli import main

SOURCE_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nLuke lost his lightsaber\n\n"
    "2\n00:00:03,100 --> 00:00:05,500\nin the swamp, and he never found it again.\n\n"
    "3\n00:00:07,000 --> 00:00:09,000\nDo you understand?\n"
)
GLOSSARY = "en,es,pt-BR,kind\nlightsaber,sable láser,sabre de luz,\nLuke,Luke,Luke,dnt\n"


@pytest.fixture
def files(tmp_path: Path, apertium):
    (tmp_path / "source.en.srt").write_text(SOURCE_SRT)
    (tmp_path / "show.csv").write_text(GLOSSARY)
    return tmp_path


def translate(files: Path, target: str, out: str, *extra: str):
    return CliRunner().invoke(main, [
        "translate", str(files / "source.en.srt"), "--from", "en", "--to", target,
        "--glossary", str(files / "show.csv"), "--out", str(files / out), *extra,
    ])  # fmt: skip


@pytest.mark.parametrize(
    "target, term, out",
    [("es", "sable láser", "out.es.srt"), ("pt-BR", "sabre de luz", "out.pt-BR.vtt")],
)
def test_translation_keeps_the_terms_and_the_source_timing(files, target, term, out):
    result = translate(files, target, out)
    assert result.exit_code == 0, result.output
    cues = read_subtitles((files / out).read_bytes(), filename=out).cues
    text = " ".join(c.text.replace("\n", " ") for c in cues)
    assert text.startswith("Luke") and term in text
    assert cues[0].start_ms == 1000 and cues[-1].start_ms >= 7000
    assert cues[-1].end_ms <= 9000 + 12 * 40  # out-time at most 12 frames past the speech
    assert "0 glossary issues" in result.output


def test_forbidden_terms_in_the_output_are_flagged(files):
    (files / "show.csv").write_text(GLOSSARY + ",ciénaga,,forbidden\n")
    result = translate(files, "es", "out.es.srt")
    assert result.exit_code == 0
    assert "glossary" in result.output and "ciénaga" in result.output


def test_unsupported_pair_is_refused_before_any_work(files):
    result = translate(files, "ja", "out.ja.srt")
    assert result.exit_code == 2 and "unsupported_language_pair" in result.output
    assert not (files / "out.ja.srt").exists()

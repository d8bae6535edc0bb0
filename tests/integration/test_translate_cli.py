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


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="studio" creationtoolversion="1" segtype="sentence" o-tmf="x"
          adminlang="en" srclang="en" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="en"><seg>Do you understand?</seg></tuv>
        <tuv xml:lang="es"><seg>¿Lo pillas?</seg></tuv></tu>
    <tu><tuv xml:lang="en">
          <seg>Luke lost his lightsaber in the swamp, and he never found it.</seg></tuv>
        <tuv xml:lang="es">
          <seg>Luke perdió su sable láser en el pantano y nunca lo encontró.</seg></tuv></tu>
  </body>
</tmx>
"""


def test_a_memory_file_replaces_the_engine_for_its_exact_matches(files, monkeypatch):
    monkeypatch.setenv("LOCSVC_DATA_DIR", str(files / "var"))
    (files / "season.tmx").write_text(TMX)
    result = translate(files, "es", "out.es.srt", "--tm", str(files / "season.tmx"))
    assert result.exit_code == 0, result.output
    cues = read_subtitles((files / "out.es.srt").read_bytes(), filename="out.es.srt").cues
    assert cues[-1].text == "¿Lo pillas?"  # the memory's, not Apertium's
    assert "Leverage" in result.output
    # "... and he never found it again." against "... and he never found it.": 12 of 13 words
    for line in ("│ 100 ", "│ 85-94 "):
        row = next(r for r in result.output.splitlines() if r.startswith(line))
        assert row.split("│")[2].strip() == "1", row  # one segment each


def test_tm_import_then_export_through_the_command_line(files, monkeypatch):
    monkeypatch.setenv("LOCSVC_DATA_DIR", str(files / "var"))
    (files / "season.tmx").write_text(TMX)
    runner = CliRunner()
    imported = runner.invoke(main, ["tm", "import", str(files / "season.tmx"), "--show", "demo"])
    assert imported.exit_code == 0, imported.output
    assert "demo en->es: 2 units added" in imported.output
    exported = runner.invoke(main, ["tm", "export", "--show", "demo",
                                    "--out", str(files / "out.tmx")])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert "¿Lo pillas?" in (files / "out.tmx").read_text()
    result = translate(files, "es", "out.es.srt", "--show", "demo")
    assert result.exit_code == 0, result.output
    cues = read_subtitles((files / "out.es.srt").read_bytes(), filename="out.es.srt").cues
    assert cues[-1].text == "¿Lo pillas?"
    broken = files / "broken.tmx"
    broken.write_text(TMX.replace("</body>", ""))
    refused = runner.invoke(main, ["tm", "import", str(broken), "--show", "demo"])
    assert refused.exit_code == 2 and "tmx_unreadable" in refused.output

"""`locsvc qc FILE --lang xx`: the report, and exit 0 clean / 1 errors / 2 unreadable."""

import json
from pathlib import Path

from click.testing import CliRunner

from locsvc.cli import main

CORPUS = Path(__file__).parents[1] / "data" / "subtitles"


def qc(*args):
    return CliRunner().invoke(main, ["qc", *map(str, args)])


def test_clean_file_exits_0_with_a_summary():
    result = qc(CORPUS / "webvtt-py" / "sample.srt", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_file_with_errors_exits_1_and_lists_them(tmp_path):
    path = tmp_path / "fast.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:01,400\nFar too many words for so short a time\n\n"
        "2\n00:00:01,300 --> 00:00:03,000\n<i>Unclosed italics\n"
    )
    result = qc(path, "--lang", "en", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    found = {(issue["cue"], issue["rule"]) for issue in report["issues"]}
    assert found >= {(1, "min_duration"), (1, "reading_speed"), (2, "overlap"),
                     (2, "unbalanced_tags")}  # fmt: skip
    assert report["summary"]["errors"] == len(found)


def test_unreadable_file_exits_2_naming_the_line():
    result = qc(CORPUS / "webvtt-py" / "missing_timeframe.srt", "--lang", "en")
    assert result.exit_code == 2
    assert "Line 6" in result.output


def test_profile_options_are_applied():
    children = qc(CORPUS / "subsrt" / "sample.srt", "--lang", "en", "--audience", "children",
                  "--frame-rate", "24000/1001", "--json")  # fmt: skip
    summary = json.loads(children.output)["summary"]
    assert summary["profile"]["reading_speed_cps"] == 17
    assert abs(summary["frame_rate"] - 23.976) < 0.001
    assert qc(CORPUS / "subsrt" / "sample.srt", "--lang", "en", "--frame-rate", "x").exit_code == 2


def test_legacy_encoding_is_reported(tmp_path):
    result = qc(CORPUS / "pysrt" / "windows-1252.srt", "--lang", "fr", "--json")
    assert json.loads(result.output)["summary"]["encoding"] == "cp1252"
    assert json.loads(result.output)["summary"]["warnings"]

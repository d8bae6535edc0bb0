"""Properties of line breaking over arbitrary text: every character kept in order,
within the profile's lines, and `fits` says exactly whether the lines fit."""

from __future__ import annotations

from hypothesis import example, given

from locsvc.domain.linebreak import break_lines, fits
from locsvc.domain.profiles import profile_for
from locsvc.domain.text import line_width

from .domain_strategies import non_space, profiles, sentence_text


@given(sentence_text, profiles)
def test_lines_keep_the_text_within_the_line_count(text, profile):
    lines = break_lines(text, profile)
    assert 1 <= len(lines) <= max(profile.max_lines, 1)
    assert non_space("".join(lines)) == non_space(text)
    assert all(line == line.strip() for line in lines)


@given(sentence_text, profiles)
@example(
    "a a a Agent 00000000 00000000< 000000000000 a 000> 0000\r0 0000\r0 000000000",
    profile_for("en"),
).via("issue 12: markup across words hid width from fits, not from break_lines")
@example("<v Jane Doe>今日は<i>晴れ</i>、明日も晴れでしょう。たぶん。", profile_for("ja"))
def test_fits_agrees_with_the_lines_break_lines_makes(text, profile):
    lines = break_lines(text, profile)
    widest = max(line_width(line, profile.half_width_counts_half) for line in lines)
    assert fits(text, profile) == (widest <= profile.max_chars_per_line)

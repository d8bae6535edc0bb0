import pytest

from locsvc.domain.linebreak import break_lines
from locsvc.domain.profiles import profile_for
from locsvc.domain.text import line_width

EN, ES, FR, DE = (profile_for(lang) for lang in ("en", "es", "fr", "de"))


def test_short_text_stays_on_one_line():
    assert break_lines("I told you so.", EN) == ("I told you so.",)


def test_break_after_punctuation():
    assert break_lines("I told you before, you never listen to a single word", EN) == (
        "I told you before,",
        "you never listen to a single word",
    )


@pytest.mark.parametrize(
    "text, profile, must_stay_together",
    [
        ("We were standing right in front of the old lighthouse keeper's house", EN, "the old"),
        (
            "After all these years I finally met Alice Miller at the bakery downtown",
            EN,
            "Alice Miller",
        ),
        ("Honestly I do not think that we should go back there tonight again", EN, "do not"),
        ("Nunca pensé que volvería a ver a mi hermano después de tanto tiempo", ES, "mi hermano"),
        ("Je ne sais vraiment pas pourquoi tu es revenu dans cette maison", FR, "cette maison"),
        (
            "Ich habe wirklich keine Ahnung warum du in dieses Haus zurückgekommen bist",
            DE,
            "dieses Haus",
        ),
    ],
)
def test_units_that_belong_together_are_not_split(text, profile, must_stay_together):
    lines = break_lines(text, profile)
    assert len(lines) == 2
    assert any(must_stay_together in line for line in lines), lines
    assert all(line_width(line) <= profile.max_chars_per_line for line in lines)


def test_bottom_heavy_when_balance_allows():
    top, bottom = break_lines("This sentence is long enough that it needs two lines here", EN)
    assert len(top) <= len(bottom)


def test_japanese_breaks_between_characters_with_kinsoku():
    text = "今日は良い天気ですね、散歩に行きましょう。"
    lines = break_lines(text, profile_for("ja"))
    assert "".join(lines) == text and len(lines) == 2
    assert lines[0].endswith("、")  # the comma is the natural break
    assert all(not line.startswith(("。", "、")) for line in lines)


def test_fits_agrees_with_laying_the_text_out():
    import random

    from locsvc.domain.linebreak import break_lines, fits

    rng = random.Random(3)
    words = "a an the subtitle reading speed Constantinople x y zz paper-company".split()
    for language in ("en", "es", "ja"):
        profile = profile_for(language)
        for _ in range(400):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 16)))
            lines = break_lines(text, profile)
            laid_out = len(lines) <= profile.max_lines and all(
                line_width(line, profile.half_width_counts_half) <= profile.max_chars_per_line
                for line in lines
            )
            assert fits(text, profile) == laid_out, text

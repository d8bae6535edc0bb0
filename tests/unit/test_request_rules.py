"""The pure rules a request's fields follow (locsvc.domain.requests), and the frame-rate
fallback of an episode's media (locsvc.domain.media)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.errors import InvalidRequest, UnsupportedLanguagePair
from locsvc.domain.media import MediaInfo, frames_per_second
from locsvc.domain.requests import (
    MAX_IDEMPOTENCY_KEY,
    PRIORITIES,
    NewEpisode,
    check_idempotency_key,
    check_target,
    is_glossary_reference,
    is_show_slug,
    looks_like_language_tag,
    parse_moment,
    parse_targets,
)


class Engines:
    """A small fake of the Translators port: en->es only."""

    pairs = {("en", "es")}

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str:
        if (source, target) not in self.pairs:
            raise UnsupportedLanguagePair("no engine", source=source, target=target)
        return "fake"

    def reachable(self, target: str) -> bool:
        return any(t == target for _, t in self.pairs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("news-at-9", True), ("a", True), ("_default", True), ("9_lives", True),
     ("News", False), ("-lead", False), ("", False), ("a" * 63, True), ("a" * 64, False),
     ("a/b", False)],
)  # fmt: skip
def test_show_slugs(text, expected):
    assert is_show_slug(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("2147483647", True), ("2147483648", False), ("0", False),
     ("00000000001", False), ("kids", True), ("Kids", False), ("٣", False)],
)  # fmt: skip
def test_glossary_references_are_an_integer_id_or_a_show_slug(text, expected):
    assert is_glossary_reference(text) is expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en", True), ("pt-BR", True), ("zh-Hant-TW", True), ("yue", True), ("e", False),
     ("engl", False), ("en_US", False), ("12", False), ("en-", False)],
)  # fmt: skip
def test_language_tags(tag, expected):
    assert looks_like_language_tag(tag) is expected


def test_targets_keep_their_order_without_repeats_or_blanks():
    assert parse_targets(" es, pt-BR,,es ,fr ") == ("es", "pt-BR", "fr")
    assert parse_targets(None) == parse_targets("") == ()


def test_a_target_needs_an_engine_for_its_pair_or_into_it():
    check_target("es", "en", Engines())
    check_target("es", None, Engines())  # the source is still to be detected
    with pytest.raises(UnsupportedLanguagePair):
        check_target("fr", "en", Engines())
    with pytest.raises(UnsupportedLanguagePair):
        check_target("fr", None, Engines())


@pytest.mark.parametrize("target", ["en", "e", "x" * 31, "es_ES"])
def test_a_target_that_is_no_tag_or_the_source_itself_is_refused(target):
    with pytest.raises(InvalidRequest) as refused:
        check_target(target, "en", Engines())
    assert refused.value.details["field"] == "targets"


def test_idempotency_keys_are_1_to_200_characters():
    check_idempotency_key("k" * MAX_IDEMPOTENCY_KEY)
    for bad in ("", "   ", "k" * (MAX_IDEMPOTENCY_KEY + 1)):
        with pytest.raises(InvalidRequest) as refused:
            check_idempotency_key(bad)
        assert refused.value.details["field"] == "Idempotency-Key"


def test_moments_are_utc_unless_they_name_a_zone():
    assert parse_moment("2026-03-01T10:00", "due") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_moment("2026-03-01T10:00Z", "due") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_moment("2026-03-01T12:00+02:00", "due") == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_a_bare_date_is_its_whole_day_only_when_asked():
    assert parse_moment("2026-03-01", "due") == datetime(2026, 3, 1, tzinfo=UTC)
    assert parse_moment("2026-03-01", "due_before", whole_day=True) == datetime(
        2026, 3, 1, 23, 59, 59, tzinfo=UTC
    )


def test_a_moment_that_is_no_date_names_its_field():
    with pytest.raises(InvalidRequest) as refused:
        parse_moment("next week", "due_before", "a date")
    assert refused.value.message == "`due_before` 'next week' is not a date."
    assert refused.value.details["field"] == "due_before"


@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9000, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_an_iso_moment_reads_back_as_itself(moment, offset_minutes):
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assert parse_moment(aware.isoformat(), "due") == aware


def test_a_new_episode_is_checked_field_by_field():
    good = NewEpisode("Pilot", "news", "pilot.mp4", "en", targets=("es",), due="2026-03-01")
    assert good.validated(Engines()) is good
    assert good.due_at() == datetime(2026, 3, 1, tzinfo=UTC)
    assert NewEpisode("Pilot", "news", "pilot.mp4").due_at() is None
    refusals = {
        "show": NewEpisode("t", "_default", "f"),
        "source_language": NewEpisode("t", "news", "f", source_language="english"),
        "Idempotency-Key": NewEpisode("t", "news", "f", idempotency_key=" "),
        "targets": NewEpisode("t", "news", "f", "en", targets=("en",)),
        "priority": NewEpisode("t", "news", "f", priority="asap"),
        "due": NewEpisode("t", "news", "f", due="soon"),
        "glossary": NewEpisode("t", "news", "f", glossary="Not A Slug"),
    }
    for field, request in refusals.items():
        with pytest.raises(InvalidRequest) as refused:
            request.validated(Engines())
        assert refused.value.details["field"] == field


def test_targets_are_checked_only_with_engines():
    NewEpisode("t", "news", "f", "en", targets=("fr",)).validated()


def test_priorities_order_the_review_queue():
    assert sorted(PRIORITIES, key=PRIORITIES.get) == ["low", "normal", "high", "urgent"]


def test_an_audio_only_episode_takes_the_configured_frame_rate():
    audio = MediaInfo("mp3", 1000, True, False, None)
    video = MediaInfo("mov,mp4", 1000, True, True, "24000/1001")
    assert audio.frame_rate_or("25") == "25"
    assert video.frame_rate_or("25") == "24000/1001"
    assert frames_per_second(video.frame_rate_or("25")) == pytest.approx(23.976, abs=1e-3)

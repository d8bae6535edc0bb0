"""An episode's speakers and a show's cast: naming a speaker (which teaches the show its
voice print), the names files carry mapped back to labels, and dub voices cast per
character."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..adapters.db.models import EpisodeSpeaker, ShowCharacter
from ..adapters.db.repositories import AuditLog, EpisodeRepository, SpeakerRepository
from ..domain.access import Principal, Role, require_role, require_show
from ..domain.cast import LABEL, Character, check_name, updated_print
from ..domain.cues import Cue
from ..domain.errors import Conflict, InvalidRequest
from ..domain.requests import looks_like_language_tag
from ..ports import Context

ANY_LANGUAGE = "*"


def speaker_view(row: EpisodeSpeaker) -> dict:
    return {
        "label": row.label,
        "name": row.name,
        "speech_seconds": round(row.speech_ms / 1000, 1),
        "pitch_hz": row.pitch_hz,
        # "matched" (by voice print), "script" (the producer's script), "named", or None
        "name_source": row.name_source,
        "match_score": row.match_score,
    }


def episode_speakers(ctx: Context, episode_id: str) -> list[dict]:
    with ctx.db.session() as session:
        EpisodeRepository(session).get(episode_id)  # 404 for an unknown episode
        return [speaker_view(row) for row in SpeakerRepository(session).of_episode(episode_id)]


def speaker_names(ctx: Context, episode_id: str) -> dict[str, str]:
    """Label -> display name, for the writers."""
    with ctx.db.session() as session:
        rows = SpeakerRepository(session).of_episode(episode_id)
        return {row.label: row.name for row in rows if row.name}


def rename_speaker(
    ctx: Context, principal: Principal, episode_id: str, label: str, name: object
) -> dict:
    """Name an episode's speaker for the whole episode (every track shows the name); the
    show's character of that name learns this episode's voice, so that the next episode
    labels the same voice with the same name."""
    require_role(principal, Role.PRODUCER, Role.LINGUIST)
    name = check_name(name)
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        require_show(principal, episode.show)
        speakers = SpeakerRepository(session)
        row = speakers.get(episode_id, label)
        taken = next((s for s in speakers.of_episode(episode_id)
                      if s.name == name and s.label != label), None)  # fmt: skip
        if taken is not None:
            raise Conflict(f"{taken.label} is already named {name!r} in this episode.",
                           speaker=taken.label)  # fmt: skip
        before = {"name": row.name}
        row.name, row.name_source, row.match_score = name, "named", None
        if row.centroid:
            character = speakers.character(episode.show, name, create=True)
            assert character is not None
            _learn_voice(character, row)
        AuditLog(session).record(principal.name, "speaker.rename",
                                 f"episode:{episode_id}/speaker:{label}", before,
                                 {"name": name})  # fmt: skip
        return speaker_view(row)


def _learn_voice(character: ShowCharacter, speaker: EpisodeSpeaker) -> None:
    known = Character(character.name, tuple(character.voice_print or ()) or None,
                      character.print_episodes)  # fmt: skip
    voice_print, episodes = updated_print(known, speaker.centroid or [])
    character.voice_print, character.print_episodes = list(voice_print), episodes
    if speaker.pitch_hz:
        character.pitch_hz = speaker.pitch_hz


def resolve_speakers(
    session: Session, episode_id: str, cues: Sequence[Cue]
) -> tuple[list[Cue], list[tuple[str, str | None]]]:
    """A revision's cues with the speakers its file names (display names or labels) as
    the episode's labels, and the (label, name) of speakers nobody had yet: the caller
    adds them (``SpeakerRepository.add``) once the revision is accepted."""
    named = {s for cue in cues for s in cue.speakers}
    if not named:
        return list(cues), []
    rows = SpeakerRepository(session).of_episode(episode_id)
    by_key = {row.name.casefold(): row.label for row in rows if row.name}
    by_key.update({row.label.casefold(): row.label for row in rows})  # a label is a label
    added: list[tuple[str, str | None]] = []
    number = len(rows)
    for spoken in sorted(named):
        if spoken.casefold() in by_key:
            continue
        if LABEL.fullmatch(spoken):  # a label the file made up: a speaker without a name
            added.append((spoken.upper(), None))
            by_key[spoken.casefold()] = spoken.upper()
            continue
        number += 1
        while f"s{number}" in by_key:
            number += 1
        label = f"S{number}"
        added.append((label, check_name(spoken)))
        by_key[spoken.casefold()] = by_key[label.casefold()] = label
    labelled = [
        Cue(c.start_ms, c.end_ms, c.lines, tuple(by_key[s.casefold()] for s in c.speakers))
        for c in cues
    ]
    return labelled, added


def show_cast(ctx: Context, principal: Principal, show: str) -> list[dict]:
    require_show(principal, show)
    with ctx.db.session() as session:
        return [_character_view(c) for c in SpeakerRepository(session).characters(show)]


def _character_view(character: ShowCharacter) -> dict:
    return {
        "name": character.name,
        "voice_print_episodes": character.print_episodes,
        "pitch_hz": character.pitch_hz,
        "voices": character.voices or {},
    }


def cast_voice(ctx: Context, principal: Principal, show: str, name: object, body: dict) -> dict:
    """Cast a character's dub voice for one language (or "*": every language)."""
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    name = check_name(name)
    language = body.get("language", ANY_LANGUAGE)
    if language != ANY_LANGUAGE and not (
        isinstance(language, str) and looks_like_language_tag(language)
    ):
        raise InvalidRequest("`language` is a BCP 47 tag or '*'.", field="language")
    engine, voice = body.get("engine"), body.get("voice")
    ctx.synthesizers.check_voice(language if language != ANY_LANGUAGE else None, engine, voice)
    with ctx.db.session() as session:
        character = SpeakerRepository(session).character(show, name, create=True)
        assert character is not None
        voices = dict(character.voices or {})
        before = voices.get(language)
        voices[language] = {"engine": engine, "voice": voice, "cast_by": principal.name}
        character.voices = voices
        AuditLog(session).record(principal.name, "cast.voice", f"show:{show}/character:{name}",
                                 {"voice": before}, {"voice": voices[language]})  # fmt: skip
        return _character_view(character)

"""An episode's speakers and a show's characters (voice prints, dub voices)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ....domain.cast import Character, VoiceMatch
from ....domain.diarization import VoiceProfile
from ....domain.errors import NotFound
from ..models import EpisodeSpeaker, ShowCharacter


class SpeakerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_episode(self, episode_id: str) -> list[EpisodeSpeaker]:
        rows = self.session.scalars(
            select(EpisodeSpeaker).where(EpisodeSpeaker.episode_id == episode_id)
        ).all()
        return sorted(rows, key=lambda row: (len(row.label), row.label))  # S2 before S10

    def get(self, episode_id: str, label: str) -> EpisodeSpeaker:
        row = self.session.scalar(
            select(EpisodeSpeaker).where(
                EpisodeSpeaker.episode_id == episode_id, EpisodeSpeaker.label == label
            )
        )
        if row is None:
            raise NotFound(f"Episode {episode_id} has no speaker {label!r}.", speaker=label)
        return row

    def replace_all(
        self, episode_id: str, voices: Sequence[VoiceProfile], matches: Sequence[VoiceMatch]
    ) -> None:
        """The diarization's speakers, replacing an earlier run's (a re-run stage)."""
        self.session.execute(delete(EpisodeSpeaker).where(EpisodeSpeaker.episode_id == episode_id))
        named = {m.label: m for m in matches}
        for voice in voices:
            match = named.get(voice.label)
            self.session.add(
                EpisodeSpeaker(
                    episode_id=episode_id, label=voice.label,
                    name=match.name if match else None, speech_ms=voice.speech_ms,
                    centroid=list(voice.centroid), pitch_hz=voice.pitch_hz,
                    name_source=match.source if match else None,
                    match_score=match.score if match else None,
                )
            )  # fmt: skip
        self.session.flush()

    def add(self, episode_id: str, label: str, name: str | None) -> EpisodeSpeaker:
        """A speaker a person introduced (a revision naming someone the model did not find)."""
        row = EpisodeSpeaker(episode_id=episode_id, label=label, name=name, speech_ms=0,
                             name_source="named" if name else None)  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return row

    def characters(self, show: str) -> list[ShowCharacter]:
        return list(
            self.session.scalars(
                select(ShowCharacter).where(ShowCharacter.show == show).order_by(ShowCharacter.name)
            )
        )

    def character(self, show: str, name: str, create: bool = False) -> ShowCharacter | None:
        row = self.session.scalar(
            select(ShowCharacter)
            .where(ShowCharacter.show == show, ShowCharacter.name == name)
            .with_for_update()
        )
        if row is None and create:
            row = ShowCharacter(show=show, name=name, print_episodes=0, voices={})
            self.session.add(row)
            self.session.flush()
        return row

    def cast(self, show: str) -> list[Character]:
        return [
            Character(c.name, tuple(c.voice_print) if c.voice_print else None, c.print_episodes)
            for c in self.characters(show)
        ]

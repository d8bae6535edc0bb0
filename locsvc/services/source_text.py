"""The source text a producer sends with an episode: finished subtitles (then they are the
source track, and no recognition runs) or a script (then its words are timed by the
speech). Checked whole before anything is stored; kept as it came, by its hash."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.db.models import utcnow
from ..adapters.formats import read_subtitles
from ..adapters.formats.text import decode
from ..domain.access import Principal
from ..domain.errors import InvalidRequest, SubtitleUnreadable
from ..domain.pipeline import SourceText
from ..domain.script import ScriptLine, parse_script
from ..domain.sentences import join_sentences
from ..ports import Context
from .timestamps import iso

MAX_SOURCE_TEXT_BYTES = 20 * 1024 * 1024  # a feature film's subtitles are well under 1 MB


@dataclass(frozen=True)
class SourceTextFile:
    kind: SourceText
    data: bytes
    filename: str
    resegment: bool = False  # subtitles only: new events and line breaks for the profile

    def checked(self) -> SourceTextFile:
        """Self, once the file reads as its kind: a broken file is refused whole, with
        the line that broke it, before the episode exists."""
        field = self.kind.value if self.kind is SourceText.SCRIPT else "source_subtitles"
        if len(self.data) > MAX_SOURCE_TEXT_BYTES:
            raise InvalidRequest(
                f"`{field}` is at most {MAX_SOURCE_TEXT_BYTES // 2**20} MB.", field=field
            )
        if self.resegment and self.kind is not SourceText.SUBTITLES:
            raise InvalidRequest("`resegment` applies to `source_subtitles` only.",
                                 field="resegment")  # fmt: skip
        if self.kind is SourceText.SCRIPT:
            read_script(self.data)
        elif not join_sentences(read_subtitles(self.data, filename=self.filename).cues):
            raise SubtitleUnreadable(f"{self.filename} has no text: every cue is empty.",
                                     line=None, field=field)  # fmt: skip
        return self


def read_script(data: bytes) -> list[ScriptLine]:
    """A script file's spoken lines (any of the encodings subtitle files come in)."""
    return parse_script(decode(data).lines)


def store_source_text(ctx: Context, source: SourceTextFile, principal: Principal) -> dict:
    """Store the file; the record its stage reads, and provenance shows as the origin."""
    blob = ctx.storage.put_bytes(source.data)
    return {
        "kind": source.kind.value,
        "filename": source.filename,
        "sha256": blob.sha256,
        "size": blob.size,
        "uploaded_by": principal.name,
        "uploaded_at": iso(utcnow()),
        "resegment": source.resegment,
    }

"""XLIFF 1.2 for CAT tools: one trans-unit per target cue, with the source text it
translates, the cue's times, and a stable id.

Written and read with ElementTree rather than translate-toolkit's xliff store: the
cue times travel as attributes in our own namespace (CAT tools keep foreign
attributes, and translate-toolkit's store offers no place for them), and line
breaks inside a cue are kept as newlines. A trans-unit's id is derived from its
cue's in-time ("c12340"), so it is the same in every revision where that cue keeps
its in-time, and an SRT round trip cannot lose it.

Speakers travel as XLIFF 1.2 <note>s of the trans-unit, from="locsvc" (a note is what
CAT tools show translators and keep, where a context-group of our own may be dropped):
"Speaker: Diane" when one speaker says the whole cue; otherwise one note per target
line, "Speaker, line 1: Diane" / "Speaker, line 2: Tom", so a dual-speaker event's lines
map back to their speakers. The reader takes only notes of that form, and a cue's
speakers only when the notes name every line the target has (a translator who joins a
dual event's lines leaves its speakers unknown).

Translation memory matches for the source under a cue travel as XLIFF 1.2 <alt-trans>
elements (match-quality as "87%", origin "tm"), which CAT tools show as suggestions; the
reader ignores them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from ...domain.cues import Cue
from ...domain.errors import InvalidRequest, SubtitleUnreadable
from .speakers import MAX_SPEAKER_NAME, display_name, speaker_runs
from .text import DecodedText
from .timing import ParsedSubtitles, require_cues
from .xml import parse_xml

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
LOCSVC = "urn:locsvc:timing:1"
ET.register_namespace("", XLIFF)
ET.register_namespace("locsvc", LOCSVC)
NOTE_FROM = "locsvc"
SPEAKER_NOTE = re.compile(r"^Speaker(?:, line ([0-9]{1,4}))?: (.+)$", re.DOTALL)


def cue_ids(cues: Sequence[Cue]) -> list[str]:
    """Stable ids: the in-time in ms, with a suffix when two cues share it."""
    seen: dict[int, int] = {}
    ids = []
    for cue in cues:
        count = seen.get(cue.start_ms, 0)
        seen[cue.start_ms] = count + 1
        ids.append(f"c{cue.start_ms}" + (f"-{count + 1}" if count else ""))
    return ids


def render_xliff(
    target_cues: Sequence[Cue],
    source_texts: Sequence[str],
    source_language: str,
    target_language: str,
    original: str,
    *,
    speaker_names: Mapping[str, str] | None = None,
    alternatives: Sequence[Sequence[Mapping]] | None = None,
) -> str:
    """``source_texts[i]`` is the source text under ``target_cues[i]``; ``speaker_names``:
    label -> display name for the speaker notes (a label without one is written as is);
    ``alternatives[i]``: memory matches for cue i ({score, source, target, origin})."""
    root = ET.Element(f"{{{XLIFF}}}xliff", version="1.2")
    file = ET.SubElement(
        root,
        f"{{{XLIFF}}}file",
        {
            "original": original,
            "source-language": source_language,
            "target-language": target_language,
            "datatype": "plaintext",
        },
    )
    body = ET.SubElement(file, f"{{{XLIFF}}}body")
    offered = alternatives or [()] * len(target_cues)
    for cue_id, cue, source, matches in zip(
        cue_ids(target_cues), target_cues, source_texts, offered, strict=True
    ):
        unit = ET.SubElement(
            body,
            f"{{{XLIFF}}}trans-unit",
            {
                "id": cue_id,
                f"{{{LOCSVC}}}start-ms": str(cue.start_ms),
                f"{{{LOCSVC}}}end-ms": str(cue.end_ms),
                "{http://www.w3.org/XML/1998/namespace}space": "preserve",
            },
        )
        ET.SubElement(unit, f"{{{XLIFF}}}source").text = source
        ET.SubElement(unit, f"{{{XLIFF}}}target", state="translated").text = cue.text
        for match in matches:
            quality = {"match-quality": f"{match['score']}%", "origin": "tm"}
            alt = ET.SubElement(unit, f"{{{XLIFF}}}alt-trans", quality)
            ET.SubElement(alt, f"{{{XLIFF}}}source").text = match["source"]
            ET.SubElement(alt, f"{{{XLIFF}}}target").text = match["target"]
        for note in speaker_notes(cue, speaker_names):  # notes follow the target in 1.2
            ET.SubElement(unit, f"{{{XLIFF}}}note", {"from": NOTE_FROM}).text = note
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def speaker_notes(cue: Cue, speaker_names: Mapping[str, str] | None) -> list[str]:
    runs = speaker_runs(cue)
    if len(runs) == 1:
        return [f"Speaker: {display_name(runs[0][0], speaker_names)}"]
    return [
        f"Speaker, line {index + 1}: {display_name(speaker, speaker_names)}"
        for index, speaker in enumerate(cue.speakers if runs else ())
    ]


def read_xliff(text: DecodedText) -> ParsedSubtitles:
    root = parse_xml(text, "XLIFF")
    if root.tag != f"{{{XLIFF}}}xliff":
        raise SubtitleUnreadable("This XML is not XLIFF 1.2: its root is not <xliff>.", line=1)
    cues = []
    for unit in root.iter(f"{{{XLIFF}}}trans-unit"):
        cue_id = unit.get("id", "?")
        try:
            start, end = (
                int(unit.get(f"{{{LOCSVC}}}start-ms", "")),
                int(unit.get(f"{{{LOCSVC}}}end-ms", "")),
            )
        except ValueError as error:
            raise SubtitleUnreadable(
                f"trans-unit {cue_id}: its locsvc:start-ms / end-ms times are missing or not "
                "whole milliseconds (keep the attributes the export wrote).",
                unit=cue_id,
            ) from error
        target = unit.find(f"{{{XLIFF}}}target")
        text_of_target = "".join(target.itertext()) if target is not None else ""
        lines = tuple(line.strip() for line in text_of_target.split("\n"))
        lines = tuple(line for line in lines if line) or ("",)
        try:
            cues.append(Cue(start, end, lines, _speakers(unit, cue_id, len(lines))))
        except InvalidRequest as error:
            raise SubtitleUnreadable(f"trans-unit {cue_id}: {error}", unit=cue_id) from error
    cues.sort(key=lambda cue: cue.start_ms)
    return require_cues(ParsedSubtitles(cues, "xliff", text.encoding, list(text.warnings)))


def _speakers(unit: ET.Element, cue_id: str, line_count: int) -> tuple[str, ...]:
    """The speakers the unit's notes name: one for every line, or one per line."""
    whole: list[str] = []
    per_line: dict[int, str] = {}
    for note in unit.findall(f"{{{XLIFF}}}note"):
        found = SPEAKER_NOTE.match((note.text or "").strip())
        if note.get("from") != NOTE_FROM or found is None:
            continue  # a translator's own note
        name = " ".join(found.group(2).split())
        if len(name) > MAX_SPEAKER_NAME:
            raise SubtitleUnreadable(
                f"trans-unit {cue_id}: a speaker name is longer than {MAX_SPEAKER_NAME} "
                "characters.",
                unit=cue_id,
            )
        if found.group(1) is None:
            whole.append(name)
        else:
            per_line[int(found.group(1))] = name
    if len(whole) == 1 and not per_line:
        return (whole[0],) * line_count
    if not whole and sorted(per_line) == list(range(1, line_count + 1)):
        return tuple(per_line[number] for number in sorted(per_line))
    return ()

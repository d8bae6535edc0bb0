"""Talking to a large language model about subtitles: the prompt for a batch of numbered
lines (with the lines around it, the show, the speakers, the glossary's rules and each
line's length budget), and the strict reading of its answer. A model that merges,
splits, drops, shifts or empties a line, or loses a placeholder, has its answer refused
as a whole: nothing it said about that batch is kept."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .line_translation import SourceLine, TermRule

PROMPT_VERSION = 1
PLACEHOLDER = re.compile(r"XTERM\d+X")
CONTEXT_LINES = 3  # source lines shown before and after a batch
NUMBERED_LINE = re.compile(r"^\s*\[?(\d+)\]?\s*[\t:.)|-]\s?(.*)$")
# An answer this much longer than its source (or this much shorter) holds another line's
# words or lost its own: a merge or a drop, whatever the ids say.
MAX_GROWTH, MAX_GROWTH_CHARS = 3.0, 60
MIN_SHARE, MIN_SHARE_FROM = 0.2, 30
UNTRANSLATED_FROM = 4  # words: a line this long given back as it was is not translated

SYSTEM_TEMPLATE = """\
You are a professional subtitle translator. Translate the numbered subtitle lines of a \
TV or film script from {source} into {target}.{show}
Rules:
- Give exactly one translation for every line, with the same id, in the same order. \
Never merge, split, skip or reorder lines, and never leave one empty.
- Each line has a limit ("max_chars"): keep its translation within it, condensing as a \
subtitler does (keep the meaning; drop hesitations, repetitions and filler words).
- Keep each speaker's voice and register; "speaker" says who speaks.
- Lines under "context" are only there to help you understand: do not translate them.
{rules}{answer}"""
JSON_ANSWER = (
    "Answer with JSON only, the translations in the target language: "
    '{"lines": [{"id": 1, "text": "..."}, {"id": 2, "text": "..."}]}'
)
NUMBERED_ANSWER = (
    "Answer with one line per subtitle line and nothing else: its id, a tab, the translation."
)
TIGHTER = (
    "Some translations were too long for the time they are on screen. Translate these "
    "lines again, shorter: each within its new max_chars."
)


def template_hash() -> str:
    """Identifies the prompt's wording: provenance records it, the cache keys on it."""
    text = json.dumps([PROMPT_VERSION, SYSTEM_TEMPLATE, JSON_ANSWER, NUMBERED_ANSWER, TIGHTER])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class BatchPrompt:
    """A batch of lines with its context, ready to be put as chat messages."""

    source_language: str
    target_language: str
    lines: tuple[SourceLine, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    synopsis: str | None = None
    tone: str | None = None
    tighter: bool = False  # asking again for lines that came back over their budget

    @property
    def ids(self) -> list[int]:
        return [line.number for line in self.lines]

    def messages(self, json_answer: bool) -> list[dict]:
        return [
            {"role": "system", "content": self._system(json_answer)},
            {"role": "user", "content": self._user()},
        ]

    def _system(self, json_answer: bool) -> str:
        show = ""
        if self.synopsis:
            show += f"\nThe show: {self.synopsis.strip()}"
        if self.tone:
            show += f"\nTone: {self.tone.strip()}"
        rules = "".join(f"- {rule.sentence()}\n" for rule in self._rules())
        answer = JSON_ANSWER if json_answer else NUMBERED_ANSWER
        if self.tighter:
            answer = f"{TIGHTER}\n{answer}"
        return SYSTEM_TEMPLATE.format(source=language_name(self.source_language),
                                      target=language_name(self.target_language),
                                      show=show, rules=rules, answer=answer)  # fmt: skip

    def _rules(self) -> list[TermRule]:
        return list(dict.fromkeys(rule for line in self.lines for rule in line.terms))

    def _user(self) -> str:
        lines = [
            {key: value for key, value in (("id", line.number), ("speaker", line.speaker),
                                           ("max_chars", line.max_chars),
                                           ("text", line.text)) if value is not None}
            for line in self.lines
        ]  # fmt: skip
        parts = []
        if self.before:
            parts.append("context before: " + json.dumps(list(self.before), ensure_ascii=False))
        parts.append("lines: " + json.dumps(lines, ensure_ascii=False, indent=0))
        if self.after:
            parts.append("context after: " + json.dumps(list(self.after), ensure_ascii=False))
        return "\n".join(parts)


def response_schema(ids: Sequence[int]) -> dict:
    """The JSON schema of an answer, for servers that constrain their output to one."""
    return {
        "type": "object",
        "properties": {
            "lines": {
                "type": "array",
                "minItems": len(ids),
                "maxItems": len(ids),
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "text": {"type": "string"}},
                    "required": ["id", "text"],
                },
            }
        },
        "required": ["lines"],
    }


class AnswerRefused(Exception):
    """The model's answer for a batch cannot be used; the message says why."""


def read_answer(
    content: str, prompt: BatchPrompt, in_source_language: Callable[[str], bool] | None = None
) -> list[str]:
    """The translations of the prompt's lines, in order, or AnswerRefused.
    ``in_source_language`` tells a text still in the source language (a language model's
    answer that is no translation)."""
    pairs = _json_pairs(content)
    if pairs is None:
        pairs = _numbered_pairs(content)
    ids = [number for number, _ in pairs]
    if ids != prompt.ids:
        raise AnswerRefused(f"answered ids {_brief(ids)} for {_brief(prompt.ids)}")
    texts = [" ".join(text.split()) for _, text in pairs]
    _check_batch(prompt.lines, texts)
    for line, text in zip(prompt.lines, texts, strict=True):
        _check_line(line, text)
        words = len(PLACEHOLDER.sub(" ", text).split())
        if in_source_language and words >= UNTRANSLATED_FROM and in_source_language(text):
            raise AnswerRefused(f"line {line.number} is still in the source language")
    return texts


def _check_batch(lines: Sequence[SourceLine], texts: Sequence[str]) -> None:
    """Lines shifted or repeated: two lines with one text (their sources differing), or a
    line that gives back another line's source."""
    seen: dict[str, SourceLine] = {}
    sources = {_normalised(line.text): line for line in lines
               if len(line.text.split()) >= UNTRANSLATED_FROM}  # fmt: skip
    for line, text in zip(lines, texts, strict=True):
        key = _normalised(text)
        other = seen.get(key)
        if other is not None and _normalised(other.text) != _normalised(line.text):
            raise AnswerRefused(f"lines {other.number} and {line.number} have the same text")
        seen.setdefault(key, line)
        copied = sources.get(key)
        if copied is not None and copied.number != line.number:
            raise AnswerRefused(f"line {line.number} is line {copied.number}'s source")


def _check_line(line: SourceLine, text: str) -> None:
    if not text:
        raise AnswerRefused(f"line {line.number} is empty")
    expected = sorted(PLACEHOLDER.findall(line.text))
    found = sorted(PLACEHOLDER.findall(text))
    if [p for p in found if p not in expected] or any(p not in found for p in expected):
        raise AnswerRefused(f"line {line.number} has placeholders {found}, not {expected}")
    if _normalised(text) == _normalised(line.text) and len(line.text.split()) >= UNTRANSLATED_FROM:
        raise AnswerRefused(f"line {line.number} is its source, untranslated")
    source_length = len(PLACEHOLDER.sub("X", line.text))
    length = len(PLACEHOLDER.sub("X", text))
    if length > max(source_length * MAX_GROWTH, source_length + MAX_GROWTH_CHARS):
        raise AnswerRefused(f"line {line.number} is {length} characters for {source_length}")
    if source_length >= MIN_SHARE_FROM and length < source_length * MIN_SHARE:
        raise AnswerRefused(f"line {line.number} is {length} characters for {source_length}")


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _json_pairs(content: str) -> list[tuple[int, str]] | None:
    """(id, text) pairs from a JSON answer, fenced or bare, an object with "lines" or a
    list; None when the content is not JSON of that shape."""
    start = min((i for i in (content.find("{"), content.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    try:
        data, _ = json.JSONDecoder().raw_decode(content[start:])
    except ValueError:
        return None
    items = data.get("lines") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None
    pairs = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            return None
        number = item.get("id")
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if not isinstance(number, int) or isinstance(number, bool):
            return None
        pairs.append((number, item["text"]))
    return pairs


def _numbered_pairs(content: str) -> list[tuple[int, str]]:
    pairs = []
    for raw in content.strip().splitlines():
        found = NUMBERED_LINE.match(raw)
        if found:
            pairs.append((int(found.group(1)), found.group(2)))
        elif raw.strip() and pairs:  # a line broken in two: the model split it
            raise AnswerRefused(f"a line without an id after line {pairs[-1][0]}")
    return pairs


def _brief(ids: Sequence[int]) -> str:
    shown = ", ".join(map(str, ids[:8]))
    return f"[{shown}{', ...' if len(ids) > 8 else ''}] ({len(ids)})"


# Languages by primary subtag for the prompt; others are named by their tag, which the
# models understand as well.
_NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "it": "Italian",
    "de": "German", "nl": "Dutch", "ca": "Catalan", "gl": "Galician", "ro": "Romanian",
    "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "cs": "Czech", "sv": "Swedish",
    "da": "Danish", "nb": "Norwegian Bokmål", "fi": "Finnish", "el": "Greek",
    "tr": "Turkish", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "ja": "Japanese",
    "ko": "Korean", "zh": "Chinese", "th": "Thai", "vi": "Vietnamese", "id": "Indonesian",
    "hu": "Hungarian",
}  # fmt: skip
_REGIONS = {"BR": "Brazil", "PT": "Portugal", "MX": "Mexico", "ES": "Spain", "CA": "Canada",
            "FR": "France", "US": "United States", "GB": "United Kingdom", "419": "Latin America",
            "CN": "China", "TW": "Taiwan", "HK": "Hong Kong"}  # fmt: skip


def language_name(tag: str) -> str:
    """ "pt-BR" -> "Portuguese (Brazil)"; an unknown tag stays as it is."""
    primary, _, rest = tag.partition("-")
    name = _NAMES.get(primary.lower())
    if name is None:
        return tag
    region = rest.split("-")[-1] if rest else ""
    if region:
        return f"{name} ({_REGIONS.get(region.upper(), region)})"
    return name

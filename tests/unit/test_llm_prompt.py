"""The pure side of the llm engine: what a batch's prompt says, the strict reading of the
model's answer (every way a model misbehaves is refused), length budgets, glossary rules."""

import json

import pytest

from locsvc.domain.cues import Cue
from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.line_translation import SourceLine, TermRule, line_budgets, term_rules
from locsvc.domain.llm_prompt import AnswerRefused, BatchPrompt, language_name, read_answer
from locsvc.domain.profiles import profile_for
from locsvc.domain.sentences import join_sentences
from locsvc.domain.term_protection import protect

LINES = (
    SourceLine(7, "Hello, I didn't know you were there.", "Diane", 30),
    SourceLine(8, "This is XTERM1X in New Jersey.", "Sheila", 40,
               (TermRule(EntryKind.DNT, "Diane", "Diane", "XTERM1X"),)),
    SourceLine(9, "And I'm Sheila in Texas, originally from Chicago.", "Sheila", 45),
)  # fmt: skip
PROMPT = BatchPrompt("en", "es", LINES, before=("Ring ring.",), after=("Oh, hello.",),
                     synopsis="Two women meet on a phone line.", tone="warm")  # fmt: skip
GOOD = ["Hola, no sabía que estabas ahí.", "Soy XTERM1X, de Nueva Jersey.",
        "Y yo Sheila, de Texas, aunque de Chicago."]  # fmt: skip


def answer(texts, ids=(7, 8, 9)) -> str:
    return json.dumps({"lines": [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)]})


def test_the_prompt_carries_lines_speakers_budgets_rules_context_and_the_show():
    system, user = (m["content"] for m in PROMPT.messages(json_answer=True))
    assert "from English into Spanish" in system and "Two women meet" in system
    assert "Tone: warm" in system and "copy XTERM1X unchanged" in system
    assert '"lines"' in system  # the JSON answer shape
    lines = json.loads(user.split("lines: ", 1)[1].split("\ncontext after", 1)[0])
    assert lines[0] == {"id": 7, "speaker": "Diane", "max_chars": 30, "text": LINES[0].text}
    assert "Ring ring." in user.split("lines: ")[0] and "Oh, hello." in user.split("lines: ")[1]
    numbered = PROMPT.messages(json_answer=False)[0]["content"]
    assert "a tab, the translation" in numbered and '"lines"' not in numbered


def test_a_good_answer_is_read_in_order_json_fenced_or_numbered():
    assert read_answer(answer(GOOD), PROMPT) == GOOD
    assert read_answer("```json\n" + answer(GOOD) + "\n```", PROMPT) == GOOD
    assert read_answer("\n".join(f"{i}\t{t}" for i, t in zip((7, 8, 9), GOOD, strict=True)),
                       PROMPT) == GOOD  # fmt: skip
    pairs = zip((7, 8, 9), GOOD, strict=True)
    ids_as_text = json.dumps({"lines": [{"id": str(i), "text": t} for i, t in pairs]})
    assert read_answer(ids_as_text, PROMPT) == GOOD


@pytest.mark.parametrize(
    "content, reason",
    [
        (answer(GOOD[:2], (7, 8)), "answered ids"),  # a line dropped
        (answer([GOOD[0] + " " + GOOD[1], GOOD[2]], (7, 9)), "answered ids"),  # two merged
        (answer([GOOD[1], GOOD[0], GOOD[2]], (8, 7, 9)), "answered ids"),  # reordered
        (answer([*GOOD, "Extra."], (7, 8, 9, 10)), "answered ids"),  # one split in two
        (answer([GOOD[0], "", GOOD[2]]), "is empty"),
        (answer([GOOD[0], "Soy Diane, de Nueva Jersey.", GOOD[2]]), "placeholders"),  # lost
        (answer([GOOD[0] + " XTERM2X", GOOD[1], GOOD[2]]), "placeholders"),  # invented
        (answer([GOOD[0], GOOD[0], GOOD[2]]), "same text"),  # shifted: a line repeated
        (answer([GOOD[0], GOOD[1], LINES[2].text]), "untranslated"),
        (answer([GOOD[0] + " " + GOOD[2] * 3, GOOD[1], GOOD[2]]), "characters"),  # merged in
        (answer([GOOD[0], GOOD[1], "Y."]), "characters"),  # most of it dropped
        ('{"lines": [{"id": 7, "text": "Hola"}, ', "answered ids"),  # invalid JSON
        ("I cannot translate that.", "answered ids"),
        ("7\tHola, no sabía que estabas ahí.\nque estabas\n8\tSoy XTERM1X.", "without an id"),
        (answer([GOOD[0], GOOD[1], GOOD[0]]), "same text"),  # repeated further down
        (answer([LINES[2].text, GOOD[1], GOOD[2]]), "line 9's source"),  # shifted copies
    ],
)
def test_every_misbehaviour_is_refused(content, reason):
    with pytest.raises(AnswerRefused, match=reason):
        read_answer(content, PROMPT)


def test_budgets_follow_the_reading_speed_and_what_the_cues_can_show():
    cues = [Cue(0, 2000, ("Hello there.",)), Cue(2100, 3100, ("I know you.",)),
            Cue(4000, 24000, ("Long.",))]  # fmt: skip
    en = profile_for("en")  # 20 cps, 42 x 2
    assert line_budgets(join_sentences(cues), en) == [40, 20, 84]  # 2 s, 1 s, capped at 84


def test_term_rules_match_the_placeholders_protect_puts_in():
    entries = [
        GlossaryEntry("Diane", "Diane", EntryKind.DNT),
        GlossaryEntry("bakery", "pastelería"),
        GlossaryEntry("", "panadería", EntryKind.FORBIDDEN),
    ]
    glossary = Glossary(entries, "en", "es")
    text = "Diane runs the bakery."
    rules = term_rules(text, glossary)
    protected = protect(text, glossary)
    assert protected.text == "XTERM1X runs the XTERM2X."
    assert [(r.placeholder, r.source) for r in rules[:2]] == [("XTERM1X", "Diane"),
                                                              ("XTERM2X", "bakery")]  # fmt: skip
    assert rules[1].sentence() == ('XTERM2X stands for "pastelería" (the show\'s translation '
                                   'of "bakery"): copy XTERM2X unchanged.')  # fmt: skip
    assert rules[2].sentence() == 'Never use the word "panadería".'
    assert term_rules(text, None) == ()


def test_languages_are_named_for_the_model():
    assert language_name("pt-BR") == "Portuguese (Brazil)"
    assert language_name("es") == "Spanish" and language_name("tlh") == "tlh"


def test_an_answer_still_in_the_source_language_is_refused_when_a_check_says_so():
    still_english = [GOOD[0], GOOD[1], "And I am Sheila, from Texas, from Chicago before."]
    assert read_answer(answer(still_english), PROMPT) == still_english  # no check: kept
    with pytest.raises(AnswerRefused, match="line 9 is still in the source language"):
        read_answer(answer(still_english), PROMPT, lambda text: text.startswith("And I am"))

import pytest

from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.term_protection import protect, restore

GLOSSARY = Glossary(
    [
        GlossaryEntry("Dunder Mifflin", "Dunder Mifflin", EntryKind.DNT, case_sensitive=True),
        GlossaryEntry("paper company", "empresa papelera"),
        GlossaryEntry("lightsaber", "sable láser"),
    ],
    "en",
    "es",
)


def test_terms_become_placeholders_and_come_back_as_required_forms():
    protected = protect("Dunder Mifflin is a paper company.", GLOSSARY)
    assert protected.text == "XTERM1X is a XTERM2X."
    # what an engine might return, placeholders untouched:
    restored = restore("XTERM1X es una XTERM2X.", protected)
    assert restored.text == "Dunder Mifflin es una empresa papelera." and restored.lost == ()
    assert GLOSSARY.check("Dunder Mifflin is a paper company.", restored.text) == []


def test_casing_follows_the_translation_and_the_source():
    protected = protect("Lightsaber! A LIGHTSABER.", GLOSSARY)
    restored = restore("¡XTERM1X! Un XTERM2X.", protected)
    assert restored.text == "¡Sable láser! Un SABLE LÁSER."


def test_placeholder_case_changed_by_the_engine_still_restores():
    protected = protect("my lightsaber", GLOSSARY)
    assert restore("mi Xterm1x", protected).text == "mi sable láser"


def test_lost_placeholders_are_reported_for_the_check_to_flag():
    protected = protect("a paper company", GLOSSARY)
    restored = restore("una compañía", protected)
    assert restored.lost == ("XTERM1X",)
    assert len(GLOSSARY.check("a paper company", restored.text)) == 1


def test_custom_placeholder_style():
    assert protect("my lightsaber", GLOSSARY, "__T{n}__").text == "my __T1__"


def test_a_word_the_engine_capitalised_after_a_leading_placeholder_is_lowered_again():
    protected = protect("Dunder Mifflin lost the paper company", GLOSSARY)
    restored = restore("XTERM1X Perdió la XTERM2X", protected)
    assert restored.text == "Dunder Mifflin perdió la empresa papelera"
    # ...but not when the source word was capitalised too:
    protected = protect("Dunder Mifflin Paper", GLOSSARY)
    assert restore("XTERM1X Paper", protected).text == "Dunder Mifflin Paper"


@pytest.mark.parametrize(
    "language, translated, expected",
    [
        (
            "es",
            "Pide no qué vuestro XTERM1X puede hacer.",
            "Pide no qué vuestra patria puede hacer.",
        ),
        ("es", "Del XTERM1X venimos.", "De la patria venimos."),
        ("pt-BR", "O que seu XTERM1X pode fazer.", "O que sua patria pode fazer."),
        ("pt-BR", "Fazer pelo seu XTERM1X.", "Fazer pela sua patria."),
        ("es", "Por el amigo de vuestro XTERM1X.", "Por el amigo de vuestra patria."),
        ("es", "Amo la XTERM1X.", "Amo la patria."),  # already right: untouched
    ],
)
def test_determiner_before_a_forced_term_agrees_with_its_gender(language, translated, expected):
    glossary = Glossary([GlossaryEntry("country", "patria", gender="f")], "en", language)
    protected = protect("your country", glossary)
    assert restore(translated, protected).text == expected


def test_without_a_gender_the_engine_guess_stays():
    glossary = Glossary([GlossaryEntry("country", "patria")], "en", "es")
    protected = protect("your country", glossary)
    assert restore("vuestro XTERM1X", protected).text == "vuestro patria"

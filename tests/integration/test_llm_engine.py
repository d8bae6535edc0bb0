"""The llm engine's failure handling against a scripted server that misbehaves on cue
(tests/scripted_llm.py) over real HTTP, with Apertium (the real thing) as the fallback:
whatever the model does, every cue comes out, in order, and each line says where it came
from; a shifted, merged or dropped line never reaches a track."""

import logging
import re

import pytest

from locsvc.adapters.llm_client import ChatClient, ServerUnavailable
from locsvc.adapters.mt_llm import BATCH_LINES, LlmTranslator
from locsvc.adapters.mt_registry import LlmServer, MtChoices, TranslatorPool
from locsvc.domain.cues import Cue
from locsvc.domain.dialogue import strip_dash
from locsvc.domain.errors import StageFailed
from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.profiles import profile_for
from locsvc.services.translate import ShowNotes, translate_cues

from ..scripted_llm import (
    SERVER_MODEL_ID,
    ScriptedLlm,
    drop_last,
    good,
    hang,
    in_english,
    invalid_json,
    merge_first_two,
    shift,
    status,
    translated,
    untranslated,
)

ES = profile_for("es")
SENTENCES = [
    "The bakery opens at six every morning.", "Diane has worked there for ten years.",
    "She knows every customer by name.", "Sheila comes in on Tuesdays.",
    "They talk about the weather and their families.", "Nobody remembers when it started.",
    "The bread is always warm.", "Today the oven is broken.", "Diane calls a repairman.",
    "He says he will come tomorrow.", "Sheila offers to help.", "They bake at her house.",
    "The whole street smells of bread.", "Customers queue in the rain.",
    "Nobody complains about the wait.", "By noon everything is sold.",
    "Diane laughs for the first time in weeks.", "Sheila brings coffee.",
    "They sit on the steps outside.", "Tomorrow the oven will be fixed.",
]  # fmt: skip
CUES = [Cue(i * 4000, i * 4000 + 3500, (text,), ("S1" if i % 2 else "S2",))
        for i, text in enumerate(SENTENCES)]  # fmt: skip


@pytest.fixture
def apertium_pair(apertium):
    return "en", "es"


@pytest.fixture(scope="module")
def es_lines():
    """What the scripted model answers for SENTENCES."""
    return [" ".join(t.split()) for t in translated([{"text": text} for text in SENTENCES])]


def llm(server: ScriptedLlm, fallback: bool = True, cache_dir=None, **client) -> LlmTranslator:
    client = ChatClient(server.url, client.pop("api_key", None), client.pop("timeout_s", 10),
                        retries=client.pop("retries", 1), backoff_s=0.05)  # fmt: skip
    choices = MtChoices()
    return LlmTranslator(
        "en", "es", client, cache_dir=cache_dir,
        fallback=(lambda: choices.create("apertium", "en", "es")) if fallback else None,
        fallback_name="apertium" if fallback else None,
    )  # fmt: skip


def run(translator, cues=CUES, **kwargs):
    translation = translate_cues(cues, translator, ES, 25.0, **kwargs)
    return translation, translation.engine


def texts(translation) -> list[str]:
    """The target's sentences: its cues' lines joined, dialogue dashes gone, cut at each
    "ES " (a sentence from the scripted model) or sentence end."""
    words = " ".join(strip_dash(line) for cue in translation.cues for line in cue.lines)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", words) if s.strip()]


def test_a_well_behaved_server_translates_every_line_in_batches(apertium_pair, es_lines):
    with ScriptedLlm() as server:
        translation, engine = run(llm(server))
    assert texts(translation) == es_lines
    assert engine["engine"] == "llm" and engine["model"] == "scripted-model"
    assert engine["model_id"] == SERVER_MODEL_ID and len(engine["prompt_template"]) == 16
    assert engine["line_origins"] == ["llm"] * len(SENTENCES)
    assert engine["requests"] == server.chats == -(-len(SENTENCES) // BATCH_LINES)  # 2
    first = server.requests[0]
    assert first["temperature"] == 0 and first["seed"] == 1234
    assert first["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize(
    "misbehaviour", [drop_last, merge_first_two, shift, invalid_json, untranslated, in_english]
)
def test_a_refused_answer_is_asked_again_as_it_was(apertium_pair, es_lines, misbehaviour):
    with ScriptedLlm() as server:
        server.script = [misbehaviour]
        translation, engine = run(llm(server))
    assert texts(translation) == es_lines
    assert engine["line_origins"] == ["llm"] * len(SENTENCES)
    assert engine["retries"] == 1 and engine["refused"] == 1 and engine["splits"] == 0
    assert server.requests[0]["messages"] == server.requests[1]["messages"]  # as it was


def test_a_batch_refused_twice_is_split_and_a_line_that_keeps_failing_falls_back(
    apertium_pair, es_lines
):
    # The first batch (16 lines) fails twice; its halves (8 lines) pass, except the
    # first half's first quarter... down to line 1, which fails twice more.
    with ScriptedLlm() as server:
        server.script = [drop_last, drop_last,  # 16 lines: refused twice -> split
                         merge_first_two, merge_first_two,  # lines 1-8 -> split
                         shift, shift,  # lines 1-4 -> split
                         shift, shift,  # lines 1-2 -> split
                         invalid_json, invalid_json]  # line 1 alone: to Apertium  # fmt: skip
        translation, engine = run(llm(server))
    origins = engine["line_origins"]
    assert origins[0] == "apertium" and origins[1:] == ["llm"] * (len(SENTENCES) - 1)
    assert engine["splits"] == 4 and engine["by_origin"] == {"apertium": 1, "llm": 19}
    first, *rest = texts(translation)
    assert not first.startswith("ES ") and "panader" in first.lower()  # Apertium's Spanish
    assert rest == es_lines[1:]


def test_a_line_never_translated_without_a_fallback_fails_the_stage_clearly(apertium_pair):
    with ScriptedLlm(default=drop_last) as server:
        with pytest.raises(StageFailed, match="no other engine translates en -> es"):
            run(llm(server, fallback=False))


def test_rate_limits_and_server_errors_are_retried_with_backoff(apertium_pair):
    with ScriptedLlm() as server:
        server.script = [status(429), status(503)]
        translation, engine = run(llm(server, retries=2))
    assert engine["line_origins"] == ["llm"] * len(SENTENCES)
    assert server.chats == 2 + engine["requests"]


def test_a_server_that_keeps_failing_rests_and_its_lines_go_to_the_fallback(apertium_pair):
    cues = CUES * 3  # four batches
    with ScriptedLlm(default=status(500)) as server:
        translation, engine = run(llm(server, retries=1), cues=cues)
        calls = server.chats
    assert engine["line_origins"] == ["apertium"] * len(cues)
    assert not [t for t in texts(translation) if t.startswith("ES ")]
    # Three requests failed (two attempts each), then the breaker stopped calling it.
    assert calls == 3 * 2


def test_a_server_that_keeps_failing_without_a_fallback_fails_with_a_clear_error():
    with ScriptedLlm(default=status(500)) as server:
        with pytest.raises(ServerUnavailable, match="answered HTTP 500"):
            run(llm(server, fallback=False, retries=0))


def test_a_hanging_server_times_out_and_is_retried(apertium_pair):
    with ScriptedLlm() as server:
        server.script = [hang(3)]
        translation, engine = run(llm(server, timeout_s=1))
    assert engine["line_origins"] == ["llm"] * len(SENTENCES)


def test_a_server_without_json_schemas_gets_json_objects(apertium_pair):
    with ScriptedLlm(refuse_json_schema=True) as server:
        translation, engine = run(llm(server))
    kinds = [r.get("response_format", {}).get("type") for r in server.requests]
    assert kinds[0] == "json_schema" and set(kinds[1:]) == {"json_object"}
    assert engine["parameters"]["answer_format"] == "json_object"
    assert engine["line_origins"] == ["llm"] * len(SENTENCES)


def test_a_second_run_comes_from_the_cache(apertium_pair, tmp_path):
    with ScriptedLlm() as server:
        server.script = [drop_last, drop_last]  # refused twice, split: the same path again
        first, before = run(llm(server, cache_dir=tmp_path))
        calls = server.chats
        again, engine = run(llm(server, cache_dir=tmp_path))
    assert before["splits"] == 1 and engine["splits"] == 1
    assert server.chats == calls and engine["requests"] == 0 and engine["cached"] == calls
    assert texts(again) == texts(first) and engine["model_id"] == SERVER_MODEL_ID


def test_lines_over_budget_are_asked_again_tighter_once(apertium_pair):
    padded = " ".join(["y así sucesivamente"] * 3)

    def too_long(request):
        code, body = good(request)
        content = body["choices"][0]["message"]["content"].replace('"}', f' {padded}"}}')
        body["choices"][0]["message"]["content"] = content
        return code, body

    cues = CUES[:4]
    with ScriptedLlm() as server:
        server.script = [too_long]
        translation, engine = run(llm(server), cues=cues)
    tighter = server.requests[1]["messages"][0]["content"]
    assert "too long" in tighter and engine["tightened"] == 4
    assert padded not in " ".join(texts(translation))


def test_the_prompt_carries_speakers_glossary_rules_and_the_show(apertium_pair):
    glossary = Glossary([GlossaryEntry("Diane", "Diane", EntryKind.DNT),
                         GlossaryEntry("bakery", "obrador")], "en", "es")  # fmt: skip
    notes = ShowNotes("Two friends keep a bakery open.", "warm, wry")
    with ScriptedLlm() as server:
        translation, _ = run(llm(server), glossary=glossary, notes=notes,
                             speaker_names={"S2": "Diane"})  # fmt: skip
    system, user = (m["content"] for m in server.requests[0]["messages"])
    assert "Two friends keep a bakery open." in system and "Tone: warm, wry" in system
    assert 'stands for "obrador"' in system and 'stands for "Diane"' in system
    assert '"speaker": "Diane"' in user and '"speaker": "S1"' in user
    assert '"max_chars": 59' in user  # 3.5 s at 17 cps
    assert "obrador" in texts(translation)[0] and "XTERM" not in " ".join(texts(translation))


def test_the_api_key_is_sent_but_never_shown(apertium_pair, caplog):
    secret = "sk-locsvc-test-0123456789"
    caplog.set_level(logging.DEBUG)
    with ScriptedLlm(default=status(401)) as server:
        translator = llm(server, fallback=False, api_key=secret)
        with pytest.raises(ServerUnavailable) as failed:
            run(translator)
    assert server.headers[0]["Authorization"] == f"Bearer {secret}"
    assert secret not in str(failed.value) and secret not in str(failed.value.details)
    assert secret not in str(translator.describe()) and secret not in caplog.text
    assert secret not in repr(LlmServer("http://x/v1", api_key=secret))


def test_the_registry_offers_llm_for_any_pair_with_the_next_engine_as_fallback():
    choices = MtChoices(engines={("en", "ja"): "llm"}, llm=LlmServer("http://127.0.0.1:9/v1"))
    pool = TranslatorPool(choices)
    assert pool.engine_for("en", "ja") == "llm" and pool.engine_for("en", "es") == "apertium"
    assert pool.engine_for("xx", "yy") == "llm"  # only the llm has it
    assert (
        choices.fallback_for("en", "es") == "apertium" and choices.fallback_for("en", "ja") is None
    )
    assert pool.get("en", "ja").describe()["fallback"] is None  # no request made
    assert pool.get("en", "es", "llm").describe()["fallback"] == "apertium"
    without = TranslatorPool(MtChoices())
    with pytest.raises(Exception, match="LOCSVC_LLM_URL"):
        without.engine_for("en", "es", "llm")

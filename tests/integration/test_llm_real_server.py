"""The llm engine against a real model server: `locsvc llm-server` (llama.cpp) on the
packaged Gemma 3 270M, a base model that translates poorly and misbehaves often. Which
lines it gets right varies; what must hold does not: every line comes back once, in
order, from the model or from the fallback engine, verified, and a second run costs the
server nothing."""

import pytest

from locsvc.adapters.mt_registry import LlmServer, MtChoices, TranslatorPool
from locsvc.services.translate import translate_file

from ..helpers import http

pytestmark = pytest.mark.slow

# Real lines (the telephone call of tests/data/conversation, JFK): four sentences.
SRT = """1
00:00:01,000 --> 00:00:03,500
Hello, I didn't know you were there.

2
00:00:04,000 --> 00:00:06,500
This is Diane in New Jersey.

3
00:00:07,000 --> 00:00:10,000
And I'm Sheila in Texas, originally from Chicago.

4
00:00:10,500 --> 00:00:14,000
Ask what you can do for your country.
"""


def test_the_local_server_serves_the_packaged_model(llm_server):
    status, body = http(f"{llm_server}/models")
    assert status == 200 and b"gemma-3-270m-q4_k_m" in body


def test_a_file_translated_by_the_real_model_keeps_every_line(llm_server, apertium, tmp_path):
    pool = TranslatorPool(MtChoices(llm=LlmServer(llm_server, cache_dir=tmp_path / "cache")))

    def run():
        return translate_file(pool, SRT.encode(), "call.srt", "en", "es", "srt", "25",
                              engine="llm")  # fmt: skip

    first = run()
    engine = first.translation.engine
    assert engine["engine"] == "llm" and engine["model"] == "gemma-3-270m-q4_k_m"
    assert engine["lines"] == first.translation.sentences == 4
    assert len(engine["line_origins"]) == 4
    assert set(engine["line_origins"]) <= {"llm", "apertium"}
    assert engine["requests"] >= 1 and engine["server_s"] > 0 and engine["model_id"]
    assert "XTERM" not in first.body and first.translation.cues

    again = run()
    assert again.translation.engine["requests"] == 0  # every verified answer was cached
    assert again.body == first.body

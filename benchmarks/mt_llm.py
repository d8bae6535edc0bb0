"""LLM engine figures (issue 15), in one run against Apertium on the same input:

1. The Gospel of John (World English Bible -> Reina-Valera 1909, Debian's sword texts, as
   in benchmarks/mt_glossary.py), each verse a line of a subtitle track timed at a
   reading pace, with the glossary of its recurring terms: lines in = lines out, term
   success, chrF, and the share of lines that needed a retry, a split or the fallback.
2. A real subtitle track (pysrt's French film, tests/data/subtitles/pysrt/utf-8.srt,
   fr -> es) translated with the length budget and without it (same model): reading-speed
   QC errors of each.
3. Throughput: lines per second, and the share of the time spent outside the server.

    apt-get install diatheke sword-text-web sword-text-sparv    # make bench-mt does
    python benchmarks/mt_llm.py [--verses 16] [--cues 16] [--url http://host:port/v1]

Without --url it starts `locsvc llm-server` (the packaged Gemma 3 270M, a weak base model)
on a free port for the run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from mt_glossary import GLOSSARY_FILE, verses  # noqa: E402

from locsvc.adapters.formats import read_subtitles  # noqa: E402
from locsvc.adapters.glossary_files import read_glossary_table  # noqa: E402
from locsvc.adapters.llm_client import ChatClient  # noqa: E402
from locsvc.adapters.mt_llm import LlmTranslator  # noqa: E402
from locsvc.adapters.mt_registry import MtChoices  # noqa: E402
from locsvc.domain.cues import Cue  # noqa: E402
from locsvc.domain.glossary import Glossary, term_success_rate  # noqa: E402
from locsvc.domain.line_translation import (  # noqa: E402
    LineRequest,
    SourceLine,
    line_budgets,
    term_rules,
)
from locsvc.domain.profiles import profile_for  # noqa: E402
from locsvc.domain.qc import Rule, check  # noqa: E402
from locsvc.domain.sentences import Sentence  # noqa: E402
from locsvc.domain.term_protection import protect, restore  # noqa: E402
from locsvc.services.translate import translate_cues  # noqa: E402

FILM = ROOT / "tests" / "data" / "subtitles" / "pysrt" / "utf-8.srt"
PACE_CPS = 15  # verses are timed as if spoken at this reading pace
# The packaged model on 2 cores writes some 15 tokens a second: a batch it garbles up to
# its token limit takes minutes.
TIMEOUT_S = 600


def start_server(work: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "locsvc.cli", "llm-server", "--port", str(port),
         "--threads", "2"],
        env={**os.environ, "LOCSVC_DATA_DIR": str(work)}, stdout=subprocess.DEVNULL,
        stderr=open(work / "server.log", "wb"), start_new_session=True,  # noqa: SIM115
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"llm-server exited: {(work / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    raise SystemExit("llm-server did not answer within 180 s")


def llm(url: str, source: str, target: str, budgets: bool = True) -> LlmTranslator:
    fallback = MtChoices().fallback_for(source, target)
    return LlmTranslator(
        source, target, ChatClient(url, timeout_s=TIMEOUT_S), fallback_name=fallback,
        length_budgets=budgets,
        fallback=(lambda: MtChoices().create(fallback, source, target)) if fallback else None,
    )  # fmt: skip


def gospel(url: str, count: int) -> None:
    import sacrebleu

    english, spanish = verses("engWEB2015eb", "John"), verses("spaRV1909eb", "John")
    keys = [k for k in english if k in spanish and english[k] and spanish[k]][:count]
    sources, references = [english[k] for k in keys], [spanish[k] for k in keys]
    entries = read_glossary_table(GLOSSARY_FILE.read_bytes(), "en", "es", GLOSSARY_FILE.name)
    glossary = Glossary(entries, "en", "es")
    shielded = [protect(s, glossary) for s in sources]
    cues, clock = [], 0
    for text in sources:  # each verse on screen for as long as it takes to read
        length = min(max(round(len(text) / PACE_CPS * 1000), 1500), 7000)
        cues.append(Cue(clock, clock + length, (text,)))
        clock += length + 300
    sentences = [Sentence(text, (cue,)) for text, cue in zip(sources, cues, strict=True)]
    budgets = line_budgets(sentences, profile_for("es"))
    triples = zip(sources, shielded, budgets, strict=True)
    lines = tuple(SourceLine(n, p.text, None, b, term_rules(s, glossary))
                  for n, (s, p, b) in enumerate(triples, 1))  # fmt: skip
    print(f"1. John 1:1 on: {len(keys)} verses (WEB -> RV1909), glossary of "
          f"{len(entries)} terms ({sum(len(glossary.find_in_source(s)) for s in sources)} "
          "occurrences)")  # fmt: skip
    apertium = MtChoices().create("apertium", "en", "es")
    started = time.perf_counter()
    raw = apertium.translate_batch([p.text for p in shielded])
    rows = [("apertium", raw, time.perf_counter() - started, None)]
    model = llm(url, "en", "es")
    started = time.perf_counter()
    result = model.translate_lines(LineRequest(lines))
    rows.append(("llm", [line.text for line in result.lines], time.perf_counter() - started,
                 result.run))  # fmt: skip
    for name, outputs, seconds, run in rows:
        restored = [restore(o, p).text for o, p in zip(outputs, shielded, strict=True)]
        whole = len(restored) == len(sources) and all(t.strip() for t in restored)
        success = term_success_rate(glossary, zip(sources, restored, strict=True))
        chrf = sacrebleu.corpus_chrf(restored, [references]).score
        print(f"   {name:>8}: lines in {len(sources)} = out {len(restored)}, none empty: "
              f"{whole}; term success {success:.3f}; chrF {chrf:5.1f}; "
              f"{len(sources) / seconds:6.2f} lines/s")  # fmt: skip
        if run:
            n = run["lines"]
            fallback = n - run["by_origin"].get("llm", 0)
            print(f"             retried {run['lines_retried'] / n:.0%} of lines, split "
                  f"{run['lines_split'] / n:.0%}, fallback {fallback / n:.0%}; "
                  f"{run['requests']} requests, refusals {run['refusals']}")  # fmt: skip
            outside = 1 - run["server_s"] / run["wall_s"]
            print(f"             server {run['server_s']:.1f} s of {run['wall_s']:.1f} s: "
                  f"{outside:.2%} of the time outside the server")  # fmt: skip


def film(url: str, count: int) -> None:
    source = read_subtitles(FILM.read_bytes(), filename=FILM.name).cues[:count]
    profile = profile_for("es")
    print(f"\n2. {FILM.name}: the first {len(source)} cues, fr -> es, QC of the translation")
    for label, budgets in (("with the length budget", True), ("without it", False)):
        started = time.perf_counter()
        translation = translate_cues(source, llm(url, "fr", "es", budgets), profile, 25.0)
        seconds = time.perf_counter() - started
        report = check(translation.cues, profile, 25.0, source)
        speed = sum(1 for i in report.issues if i.rule is Rule.READING_SPEED
                    and i.severity.value == "error")  # fmt: skip
        run = translation.engine
        print(f"   {label:<24} {len(translation.cues)} cues, reading-speed errors {speed}, "
              f"hard errors {report.errors}; lines {run['lines']} "
              f"({run['by_origin']}), tightened {run['tightened']}; {seconds:.0f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verses", type=int, default=16)
    parser.add_argument("--cues", type=int, default=16)
    parser.add_argument("--url", help="an OpenAI-compatible server (default: start one)")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory(prefix="locsvc-bench-llm-") as work:
        url = args.url
        if url is None:
            server, url = start_server(Path(work))
        try:
            print(f"server {url}, model {ChatClient(url).first_model()}\n")
            gospel(url, args.verses)
            film(url, args.cues)
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)


if __name__ == "__main__":
    main()

"""MT figures (issue 4): term success rate and chrF with and without the glossary, and
throughput, per engine, on the Gospel of John (World English Bible -> Reina-Valera 1909,
Debian's sword-text-web and sword-text-sparv, read with diatheke).

    apt-get install diatheke sword-text-web sword-text-sparv; pip install sacrebleu
    python benchmarks/mt_glossary.py [--book John]

The glossary (benchmarks/data/john-en-es.csv) holds recurring names and terms with
the Reina-Valera forms. There is no Portuguese text in Debian's sword packages, so
Bergamot (en -> pt-BR) gets the term success rate and throughput, not chrF.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from pathlib import Path

from locsvc.adapters.glossary_files import read_glossary_table
from locsvc.adapters.mt_registry import translator_for
from locsvc.domain.glossary import Glossary, term_success_rate
from locsvc.domain.term_protection import protect, restore

GLOSSARY_FILE = Path(__file__).parent / "data" / "john-en-es.csv"
VERSE = re.compile(r"^(\S+ \d+:\d+): (.*)$")


def verses(module: str, book: str) -> dict[str, str]:
    output = subprocess.run(
        ["diatheke", "-b", module, "-f", "plain", "-k", book],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = {}
    for line in output.splitlines():
        if match := VERSE.match(line):
            text = re.sub(r"<[GH]\d+>", "", match.group(2))  # Strong's numbers in RV1909
            found[match.group(1)] = " ".join(text.split())
    return found


def run(engine, sources: list[str], glossary: Glossary | None) -> tuple[list[str], float]:
    started = time.perf_counter()
    if glossary is None:
        outputs = engine.translate_batch(sources)
    else:
        shielded = [protect(s, glossary) for s in sources]
        raw = engine.translate_batch([p.text for p in shielded])
        outputs = [restore(o, p).text for o, p in zip(raw, shielded, strict=True)]
    return outputs, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default="John")
    args = parser.parse_args()
    import sacrebleu

    english = verses("engWEB2015eb", args.book)
    spanish = verses("spaRV1909eb", args.book)
    keys = [k for k in english if k in spanish and english[k] and spanish[k]]
    sources, references = [english[k] for k in keys], [spanish[k] for k in keys]
    print(f"{args.book}: {len(keys)} verse pairs (WEB -> RV1909)")
    for target in ("es", "pt-BR"):
        entries = read_glossary_table(GLOSSARY_FILE.read_bytes(), "en", target, GLOSSARY_FILE.name)
        glossary = Glossary(entries, "en", target)
        engine = translator_for("en", target)
        occurrences = sum(len(glossary.find_in_source(s)) for s in sources)
        for label, used in (("without glossary", None), ("with glossary", glossary)):
            outputs, seconds = run(engine, sources, used)
            success = term_success_rate(glossary, zip(sources, outputs, strict=True))
            chrf = (
                f"chrF {sacrebleu.corpus_chrf(outputs, [references]).score:5.1f}"
                if target == "es" else "chrF   n/a"
            )  # fmt: skip
            print(f"{engine.name:>9} en->{target:<5} {label:<17} term success {success:.3f} "
                  f"({occurrences} occurrences)  {chrf}  "
                  f"{len(sources) / seconds:6.1f} sentences/s")  # fmt: skip


if __name__ == "__main__":
    main()

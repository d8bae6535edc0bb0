"""Agreement of the word before a restored glossary term.

The engine translated a placeholder, not the term, so the determiner it put before
it is a guess ("vuestro XTERM1X" where the forced term "patria" is feminine). When
the glossary gives the term's grammatical gender, the determiner or contracted
preposition right before it is put in that gender. Adjectives after the term are
left to the linguist (the term check still passes; QC shows the draft as machine)."""

from __future__ import annotations

import re

# Masculine -> feminine forms of the words that precede a noun, per language.
FEMININE: dict[str, dict[str, str]] = {
    "es": {
        "el": "la", "los": "las", "un": "una", "unos": "unas", "del": "de la", "al": "a la",
        "este": "esta", "estos": "estas", "ese": "esa", "esos": "esas", "aquel": "aquella",
        "aquellos": "aquellas", "nuestro": "nuestra", "nuestros": "nuestras",
        "vuestro": "vuestra", "vuestros": "vuestras", "mucho": "mucha", "muchos": "muchas",
        "otro": "otra", "otros": "otras", "todo": "toda", "todos": "todas",
        "ningún": "ninguna", "algún": "alguna", "primer": "primera", "mismo": "misma",
    },
    "pt": {
        "o": "a", "os": "as", "um": "uma", "uns": "umas", "do": "da", "dos": "das",
        "no": "na", "nos": "nas", "ao": "à", "aos": "às", "pelo": "pela", "pelos": "pelas",
        "num": "numa", "dum": "duma", "este": "esta", "estes": "estas", "esse": "essa",
        "esses": "essas", "aquele": "aquela", "aqueles": "aquelas", "meu": "minha",
        "meus": "minhas", "teu": "tua", "teus": "tuas", "seu": "sua", "seus": "suas",
        "nosso": "nossa", "nossos": "nossas", "vosso": "vossa", "vossos": "vossas",
        "todo": "toda", "todos": "todas", "outro": "outra", "outros": "outras",
        "nenhum": "nenhuma", "algum": "alguma", "mesmo": "mesma",
    },
    "it": {
        "il": "la", "lo": "la", "i": "le", "gli": "le", "un": "una", "uno": "una",
        "del": "della", "dello": "della", "al": "alla", "allo": "alla", "nel": "nella",
        "questo": "questa", "quel": "quella", "quello": "quella", "nostro": "nostra",
        "vostro": "vostra", "suo": "sua", "mio": "mia", "tuo": "tua",
    },
    "fr": {
        "le": "la", "un": "une", "du": "de la", "au": "à la", "ce": "cette", "cet": "cette",
        "mon": "ma", "ton": "ta", "son": "sa", "notre": "notre", "votre": "votre",
    },
}  # fmt: skip
MASCULINE = {
    language: {f: m for m, f in forms.items() if f != m and " " not in f}
    for language, forms in FEMININE.items()
}
_WORD_BEFORE = re.compile(r"(\w+)(\s+)$")


# "pelo seu" -> "pela sua": a contraction and a possessive agree together.
MAX_AGREEING_WORDS = 2


def agree_before(prefix: str, gender: str, language: str) -> str:
    """``prefix`` (the text up to a restored term) with the words right before the term
    put in ``gender`` ("m" or "f"), as long as they are words that agree."""
    forms = (FEMININE if gender == "f" else MASCULINE if gender == "m" else {}).get(
        language.split("-")[0].lower(), {}
    )
    head, tail = prefix, ""
    for _ in range(MAX_AGREEING_WORDS):
        found = _WORD_BEFORE.search(head)
        if not forms or found is None or found.group(1).lower() not in forms:
            break
        word = found.group(1)
        agreed = forms[word.lower()]
        if word[:1].isupper():
            agreed = agreed[:1].upper() + agreed[1:]
        head, tail = head[: found.start()], agreed + found.group(2) + tail
    return head + tail

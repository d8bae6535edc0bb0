"""Random XML documents in a reader's vocabulary (TTML, XLIFF, TBX): the elements and
attributes it looks at, with values from the forms it accepts and the ones it must
refuse, and now and then text that is not escaped at all."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from .mutations import nasty_text

TT = "http://www.w3.org/ns/ttml"
TTP = "http://www.w3.org/ns/ttml#parameter"
TTS = "http://www.w3.org/ns/ttml#styling"
XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
LOCSVC = "urn:locsvc:timing:1"

TTML_TIMES = st.one_of(
    st.sampled_from([
        "00:00:01.000", "00:00:02.500", "0:01:02", "1:02", "01:02:03:04", "01:02:03:04.5",
        "1.5s", "100ms", "3f", "10t", "2h", "5m", "1", "0", "", "abc", "-1s", "1e3s",
        "99999999999999999999h", "1:2:3.4.5", "00:60:00.000", "0.0000001s", " 1s ",
        "9" * 5000 + "s", "00:00:00:99999999999",
    ]),
    st.fractions(min_value=0, max_value=10**6).map(lambda f: f"{float(f):.3f}s"),
)  # fmt: skip
# Mostly what files hold, sometimes what they must not.
FRAME_RATES = st.sampled_from(["30", "25", "24", "60", "1000"] * 4 + [
    "0", "-1", "abc", "1/0", "1e5", "", "30.5", "9" * 400, "0.0"])  # fmt: skip
MULTIPLIERS = st.sampled_from(["1000 1001", "1 1"] * 4 + [
    "0 1", "1 0", "abc", "1", " ", "1 2 3", "-1 1", "1000 0"])  # fmt: skip
INTEGERS = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(0, 10**7).map(str),
    st.integers(-10, 10**7).map(str),
    st.integers(0, 10**7).map(str),
    st.sampled_from(["", "1.5", "abc", "9" * 30, "9" * 5000, " 5", "0x10", "١٢"]),
)


def document(element) -> bytes:
    """``element`` is (tag, attributes, children); a child is an element or text."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _render(element)).encode(
        "utf-8", "surrogatepass"
    )


def _render(node) -> str:
    if isinstance(node, str):
        return node
    tag, attributes, children = node
    rendered = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    inner = "".join(_render(child) for child in children)
    return f"<{tag}{rendered}>{inner}</{tag}>" if children else f"<{tag}{rendered}/>"


NOT_XML_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(raw: str) -> str:
    return escape(NOT_XML_CHARACTERS.sub("", raw))


# Text XML may hold, escaped; one time in ten raw, so that well-formedness errors come too.
text = st.one_of(*[nasty_text.map(_xml_text)] * 9, nasty_text)


def elements(tags, attributes, leaf_children=text, max_leaves: int = 12):
    base = st.tuples(st.sampled_from(tags), attributes, st.lists(leaf_children, max_size=2))
    return st.recursive(
        base,
        lambda inner: st.tuples(
            st.sampled_from(tags), attributes, st.lists(st.one_of(inner, text), max_size=4)
        ),
        max_leaves=max_leaves,
    )


# --- TTML ------------------------------------------------------------------------------

ttml_attributes = st.dictionaries(
    st.sampled_from(["begin", "end", "dur", "tts:fontStyle", "tts:fontWeight", "xml:id",
                     "region", "xml:space"]),
    st.one_of(TTML_TIMES, st.sampled_from(["italic", "bold", "normal", "preserve"])),
    max_size=3,
)  # fmt: skip
ttml_inline = elements(["span", "br", "span", "metadata"], ttml_attributes, max_leaves=6)
paragraphs = st.tuples(
    st.just("p"),
    st.fixed_dictionaries({"begin": TTML_TIMES, "end": TTML_TIMES}),
    st.lists(st.one_of(text, ttml_inline), max_size=4),
)
ttml_body = st.one_of(
    paragraphs,
    paragraphs,
    elements(["div", "p", "span", "br", "p", "span", "metadata", "set"], ttml_attributes),
)


@st.composite
def ttml_documents(draw) -> bytes:
    root = {"xmlns": TT, "xmlns:ttp": TTP, "xmlns:tts": TTS, "xml:lang": "en"}
    for name, values in (("ttp:frameRate", FRAME_RATES), ("ttp:frameRateMultiplier", MULTIPLIERS),
                         ("ttp:tickRate", FRAME_RATES)):  # fmt: skip
        if not draw(st.integers(0, 3)):
            root[name] = draw(values)
    if draw(st.booleans()):
        root["xmlns:itunes"] = "http://music.apple.com/lyric-ttml-internal"
        root["itunes:timing"] = "Word"
    paragraphs = _render(("div", draw(ttml_attributes), draw(st.lists(ttml_body, max_size=4))))
    depth = draw(st.sampled_from([0, 0, 0, 90, 101, 3000]))  # nested deep, or not
    body = ("body", draw(ttml_attributes), ["<div>" * depth + paragraphs + "</div>" * depth])
    tag = draw(st.sampled_from(["tt"] * 8 + ["xliff", "p"]))
    return document((tag, root, [("head", {}, []), body]))


# --- XLIFF -----------------------------------------------------------------------------


@st.composite
def trans_units(draw):
    attributes = {"id": draw(st.sampled_from(["c0", "c1", "", "x y", "c0"]))}
    for name in ("locsvc:start-ms", "locsvc:end-ms"):
        if draw(st.integers(0, 9)):  # now and then missing
            attributes[name] = draw(INTEGERS)
    inline = elements(["g", "x", "bpt", "ept", "ph", "mrk"], st.just({}), max_leaves=4)
    parts = draw(st.lists(st.sampled_from(["source", "target", "note", "target"]), max_size=3))
    children = [(part, {}, draw(st.lists(st.one_of(text, inline), max_size=3))) for part in parts]
    return ("trans-unit", attributes, children)


@st.composite
def xliff_documents(draw) -> bytes:
    root = {"xmlns": XLIFF, "version": "1.2"}
    if draw(st.integers(0, 9)):
        root["xmlns:locsvc"] = LOCSVC
    units = draw(st.lists(trans_units(), max_size=5))
    tag = draw(st.sampled_from(["xliff"] * 9 + ["tt"]))
    return document((tag, root, [("file", {"source-language": "en"}, [("body", {}, units)])]))


# --- TBX -------------------------------------------------------------------------------


@st.composite
def tbx_terms(draw):
    notes = [
        ("termNote", {"type": kind}, [draw(st.sampled_from(values))])
        for kind, values in (
            ("administrativeStatus", ["forbiddenTerm-admn-sts", "preferredTerm-admn-sts", ""]),
            ("grammaticalGender", ["masculine", "feminine", "neuter", "m", ""]),
        )
        if draw(st.booleans())
    ]
    term = ("term", {}, draw(st.lists(text, min_size=1, max_size=2)))
    holder = draw(st.sampled_from(["tig", "ntig", "termSec", "tig", "ntig", "other"]))
    children = [("termGrp", {}, [term, *notes])] if holder == "ntig" else [term, *notes]
    return (holder, {}, children)


@st.composite
def tbx_documents(draw) -> bytes:
    def lang_set():
        lang = draw(st.sampled_from(["en", "es"] * 3 + ["EN", "Es", "", "fr", "en-US"]))
        attribute = draw(st.sampled_from(["xml:lang"] * 4 + ["lang"]))
        return ("langSet", {attribute: lang}, draw(st.lists(tbx_terms(), max_size=3)))

    entries = []
    for _ in range(draw(st.integers(0, 4))):
        children = [lang_set() for _ in range(draw(st.integers(0, 4)))]
        if draw(st.booleans()):
            children.insert(
                0, ("descrip", {"type": "definition"}, draw(st.lists(text, max_size=1)))
            )
        entries.append(
            (draw(st.sampled_from(["termEntry", "conceptEntry", "termEntry", "x"])), {}, children)
        )
    namespace = draw(st.sampled_from([{}, {"xmlns": "urn:iso:std:iso:30042:ed-2"}]))
    return document(("martif", namespace, [("text", {}, [("body", {}, entries)])]))

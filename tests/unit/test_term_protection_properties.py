"""Properties of term protection over arbitrary text and engine answers: every
placeholder the engine kept goes back as its term (every time it kept it), none is
left for a viewer to see, and the ones it lost are reported."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.term_protection import protect, restore
from locsvc.domain.term_qc import track_term_issues

from .domain_strategies import GLOSSARY, PLACEHOLDER, engine_outputs, term_text


@given(term_text)
def test_an_engine_that_keeps_the_placeholders_gets_every_term_back(text):
    protected = protect(text, GLOSSARY)
    assert GLOSSARY.find_in_source(protected.text) == []
    restored = restore(protected.text, protected)
    assert restored.lost == () and not PLACEHOLDER.search(restored.text)
    assert GLOSSARY.missing_terms(text, restored.text) == []


@given(st.data(), term_text)
@example(data=None, text="Dunder Mifflin").via("issue 12: a repeated placeholder stayed")
def test_whatever_the_engine_answers_no_placeholder_is_left_and_lost_ones_are_reported(data, text):
    protected = protect(text, GLOSSARY)
    if data is None:  # the engine repeated the placeholder
        answer = protected.text + " " + protected.text
    else:
        answer = data.draw(engine_outputs(protected.text))
    restored = restore(answer, protected)
    assert not PLACEHOLDER.search(restored.text)
    kept = {token.upper() for token in PLACEHOLDER.findall(answer)}
    assert set(restored.lost) == set(protected.replacements) - kept


def test_a_term_shown_once_is_not_counted_for_two_sentences():
    # issue 12 (found by the translate property): the engine dropped the second sentence;
    # the first one's cue lingers over its time, and its term counted for both.
    source = [Cue(0, 1500, ("My lightsaber.",)), Cue(1800, 3000, ("A lightsaber!",))]
    target = [Cue(0, 2000, ("Mi sable láser.",))]
    issues = track_term_issues(source, target, GLOSSARY)
    assert [(cue, issue.term) for cue, issue in issues] == [(1, "lightsaber")]
    both = [Cue(0, 1700, ("Mi sable láser.",)), Cue(1800, 3000, ("¡Un sable láser!",))]
    assert track_term_issues(source, both, GLOSSARY) == []

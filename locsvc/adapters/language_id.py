"""Which of two languages a text is in: py3langid's naive Bayes model (BSD-3-Clause, the
model inside the package), for refusing an LLM's "translation" that is still in the
source language."""

from __future__ import annotations

import threading
from functools import lru_cache

SURE = 0.95  # this likely the source language, against the target, and it is refused


@lru_cache(maxsize=32)
def _identifier(source: str, target: str):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # loads its model: on use

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([source, target])
    return identifier, threading.Lock()


class SourceLanguageCheck:
    """``check(text)``: whether the text reads as the source language rather than the
    target, surely. Always False where the model knows one of them not, or both are one."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source.split("-")[0].lower()
        self.target = target.split("-")[0].lower()

    def __call__(self, text: str) -> bool:
        if self.source == self.target:
            return False
        try:
            identifier, lock = _identifier(self.source, self.target)
        except ValueError:  # a language the model does not know
            return False
        with lock:
            language, probability = identifier.classify(text)
        return language == self.source and probability >= SURE


@lru_cache(maxsize=1)
def _any_language():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True), threading.Lock()


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of a text in any of the model's 97 languages: the
    language of a subtitle file sent without one."""
    identifier, lock = _any_language()
    with lock:  # the identifier is not thread-safe
        language, probability = identifier.classify(text)
    return language, round(float(probability), 4)

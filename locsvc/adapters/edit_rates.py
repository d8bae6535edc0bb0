"""Edit rates between two texts (jiwer): edits to turn ``hypothesis`` into ``reference``,
over the reference's length, in words and in characters."""

from __future__ import annotations

import jiwer


def word_edit_rate(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(reference, hypothesis))


def char_edit_rate(reference: str, hypothesis: str) -> float:
    return float(jiwer.cer(reference, hypothesis))

"""A light, model-free analyser for tests and smoke runs of the batch machinery.

``--analyse-fn horizonscan.batch.testing:light_analyse`` exercises scheduling,
Parquet, resume and quarantine without loading spaCy: it marks each capitalised
word as a mention and each paragraph as a sentence. Deterministic and pure.
"""

from __future__ import annotations

import re

from ..records import Analysis, Document, Mention, Sentence
from ..settings import Settings

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_PARAGRAPH = re.compile(r"[^\n]+")


def light_analyse(doc: Document, settings: Settings) -> Analysis:
    text = doc.text
    return Analysis(
        language=doc.language.value,
        sentences=tuple(Sentence(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)),
        mentions=tuple(Mention(m.start(), m.end(), m.group(), "MISC") for m in _CAPITALISED.finditer(text)),
        analyser="light.v1",
    )

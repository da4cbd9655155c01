"""Display names: normalised, stripped of invisible characters, capped, compared case-insensitively."""
from __future__ import annotations

import unicodedata

MAX_NAME = 40


def clean_name(raw: str) -> str:
    """NFC, without control, format (zero-width, bidi) or unassigned characters, spaces folded."""
    text = unicodedata.normalize("NFC", raw or "")
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cn", "Cs")
                   or ch in " ")
    return " ".join(kept.split())


def name_key(name: str) -> str:
    """The key two names are compared by: casefolded and NFKC, so look-alikes collide."""
    return unicodedata.normalize("NFKC", name).casefold()

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


# Cyrillic and Greek letters that look the same as a Latin one (a subset of Unicode TR39's
# confusables, the letters a name could be faked with): "Аnna" with a Cyrillic А is "Anna".
LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјорсхуѕһԁӏԛԝ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιρνκυ",
    "ABESIJKMHOPCTXYaeijopcxyshdlqw" "ABEZHIKMNOPTYXoipvku")


def name_key(name: str) -> str:
    """The key two names are compared by: NFKC, Latin look-alikes folded, casefolded, so that
    full-width letters, a Cyrillic 'а' or another case do not make a second 'Anna'."""
    return unicodedata.normalize("NFKC", name).translate(LOOK_ALIKES).casefold()

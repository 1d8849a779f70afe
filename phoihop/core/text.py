"""Vietnamese text folding, shared by search, slugs and matching of names."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case without diacritics, with đ as d: "Ủy ban Mặt trận" -> "uy ban mat tran".

    NFD splits tones and vowel marks into combining characters, which are dropped; đ/Đ
    are letters of their own, not a d with a mark, so they are mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize(text: str) -> str:
    """Composed (NFC) form with single spaces: how names are stored and compared."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()

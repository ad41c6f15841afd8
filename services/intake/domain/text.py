"""Text as intake accepts it: one Unicode form, no control characters, nothing invisible in codes.

* Every text is normalised to NFC, so the composed and decomposed spellings of one code
  ("Hộ-1" typed on two keyboards) are one household, not two.
* No text may hold control characters other than tab and line breaks: a NUL is refused by
  PostgreSQL downstream, and would drop the household out of the figures via dead letters.
* Codes (survey, household, province, commune and village codes) may hold no control,
  format or separator character at all: a zero-width space makes a code that looks like
  another but is not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from services.intake.domain.messages import Message, message

CODE_KEYS: Final = frozenset(
    {"survey_id", "household_code", "province_code", "commune_code", "village_code"}
)

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_CODE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (cheap when it already is, as nearly all text is)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def search_key(text: str) -> str:
    """A name as searches compare it: lower case, no diacritics ("Đặng Thị Hòa" and
    "dang thi hoa" are one key), single spaces."""
    bare = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def given_first(key: str) -> str:
    """A search key with the given name (the last word of a Vietnamese name) first:
    "nguyen van an" -> "an nguyen van", so a search by given name is a prefix too."""
    head, _, last = key.rpartition(" ")
    return f"{last} {head}" if head else last


def _codepoint(ch: str) -> str:
    return f"{ord(ch):04X}"


def text_problem(text: str, *, code: bool) -> Message | None:
    """Why ``text`` (already NFC) cannot be accepted, or None."""
    if code:
        if text.isascii() and text.isprintable():
            return None
        for ch in text:
            if ch != " " and (unicodedata.category(ch) in _BAD_IN_CODE or ch.isspace()):
                return message("invisible_in_code", code=_codepoint(ch))
        return None
    found = _CONTROL.search(text)
    if found is not None:
        return message("control_character", code=_codepoint(found.group()))
    return None

"""Vietnamese text helpers: search that ignores diacritics and case.

"dat dai" must find "Đất đai". Unicode decomposition (NFD) strips the tone and vowel marks but
leaves đ/Đ alone (they are letters, not marked d's), so they are mapped explicitly.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case ``text`` without Vietnamese diacritics and with single spaces.

    >>> fold("  Văn phòng Đăng ký ĐẤT ĐAI ")
    'van phong dang ky dat dai'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str | None) -> list[str]:
    """Split a search box into folded words; every word must match."""
    return fold(query).split()

"""Search over the catalogue that ignores diacritics, case and word order.

Each procedure keeps a folded *search text* (its code, name, field, result, keywords and the
colloquial names below). A query matches when every folded word of it starts a word of that
text, in any order: "cap doi so do" finds "Cấp đổi Giấy chứng nhận quyền sử dụng đất…" (whose
colloquial name is "sổ đỏ"). Results rank by how much of the query the name itself holds.
"""

from __future__ import annotations

import re

from motcua.common.text import fold, search_terms

#: Colloquial names and abbreviations people search with, added to the search text of every
#: procedure whose text holds the formal phrase (folded on both sides).
COLLOQUIAL: dict[str, tuple[str, ...]] = {
    "giay chung nhan quyen su dung dat": ("so do", "so hong", "gcn", "gcnqsdd"),
    "danh gia tac dong moi truong": ("dtm",),
    "giay phep moi truong": ("gpmt",),
    "tai nguyen va moi truong": ("tnmt",),
    "nuoc duoi dat": ("gieng khoan",),
    "quyen su dung dat": ("qsdd",),
}

_WORD = re.compile(r"[0-9a-z.]+")


def index_text(*parts: str) -> str:
    """The folded search text of a procedure, with a leading space so that ``" " + word`` finds
    a word start."""
    text = fold(" ".join(p for p in parts if p))
    extra = [alias for phrase, aliases in COLLOQUIAL.items() if phrase in text for alias in aliases]
    return " " + " ".join([text, *extra]) + " "


def query_words(query: str | None) -> list[str]:
    """The folded words of a query (punctuation dropped, each word at most once)."""
    return list(dict.fromkeys(w for term in search_terms(query) for w in _WORD.findall(term)))


def rank(name: str, words: list[str]) -> tuple[int, int]:
    """Higher is better: whole words of the query found in the name, then the longest run of
    query words in the name in the query's order."""
    name_words = _WORD.findall(fold(name))
    whole = sum(1 for w in words if w in name_words)
    longest = run = 0
    joined = " " + " ".join(name_words) + " "
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            if f" {' '.join(words[start:start + size])} " in joined:
                run = size
                break
        if run:
            break
    longest = run
    return whole, longest

"""Search over the catalogue that ignores diacritics, case and word order.

Each procedure keeps a folded *search text* (its code, name, field, result, keywords and the
colloquial names below). A query matches when every folded word of it starts a word of that
text, in any order: "cap doi so do" finds "Cấp đổi Giấy chứng nhận quyền sử dụng đất…" (whose
colloquial name is "sổ đỏ"). Results rank by how much of the query the name itself (and its
colloquial names) holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

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


def rank(name: str, words: list[str]) -> tuple[int, int, int]:
    """Higher is better: whole words of the query found in the name, then the longest run of
    query words in the name in the query's order, then how early in the name they begin ("Cấp
    giấy phép khai thác…" before "Gia hạn, điều chỉnh nội dung giấy phép khai thác…")."""
    return ranker(words)(name)


def ranker(words: list[str]) -> Callable[[str], tuple[int, int, int]]:
    """:func:`rank` for one query, to call on many names: the query's runs of words are
    prepared once, and each name is folded once per process (names change only when a version
    is published, and there are a few thousand at most)."""
    wanted = tuple(words)
    runs = [(size, [f" {' '.join(wanted[start:start + size])} " for start in range(len(wanted) - size + 1)])
            for size in range(len(wanted), 0, -1)]

    def score(name: str) -> tuple[int, int, int]:
        name_words, joined = _name_words(name)
        whole = sum(1 for w in wanted if w in name_words)
        earliest = -min((name_words[w] for w in wanted if w in name_words), default=len(joined))
        for size, phrases in runs:
            if any(phrase in joined for phrase in phrases):
                return whole, size, earliest
        return whole, 0, earliest

    return score


@lru_cache(maxsize=20_000)
def _name_words(name: str) -> tuple[dict[str, int], str]:
    """The folded words of a name and of the colloquial names of its phrases, each with the
    position where it (or its phrase) first appears, and the name folded, between spaces:
    "dtm" ranks "…đánh giá tác động môi trường" first."""
    words = _WORD.findall(fold(name))
    joined = " " + " ".join(words) + " "
    positions: dict[str, int] = {}
    for phrase, names in COLLOQUIAL.items():
        at = joined.find(f" {phrase} ")
        if at >= 0:
            for alias in (w for n in names for w in n.split()):
                positions.setdefault(alias, at)
    for word in words:
        positions.setdefault(word, joined.find(f" {word} "))
    return positions, joined


def sql_words(words: list[str], limit: int = 16) -> tuple[list[str], list[str]]:
    """Split a query's words into those for the database to look for and those to check on the
    rows it returns. A word that begins another word of the query is implied by it (whatever
    that one starts also starts with it) and is dropped; of the rest, the ``limit`` longest (the
    most selective) go to the database, so that a very long query stays one small statement."""
    needed = [w for w in words if not any(o != w and o.startswith(w) for o in words)]
    needed.sort(key=len, reverse=True)
    return needed[:limit], needed[limit:]

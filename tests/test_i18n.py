"""English is the second language: every Vietnamese text has its English translation, with the
same placeholders, and the compiled catalogue is what the pages use."""

import re
from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parents[1] / "src/motcua/locale/en/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}")


@pytest.fixture(scope="module")
def entries():
    return [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]


def test_every_text_has_an_english_translation(entries):
    missing = [e.msgid for e in entries if not e.translated() or "fuzzy" in e.flags]
    assert missing == []


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for entry in entries:
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong += [(entry.msgid, t) for t in translations
                  if sorted(PLACEHOLDER.findall(t)) != expected]
    assert wrong == []


def test_translations_are_english_not_copies_of_the_vietnamese(entries):
    vietnamese = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
    copies = [e.msgid for e in entries if vietnamese.search(e.msgid) and e.msgstr == e.msgid]
    assert copies == []

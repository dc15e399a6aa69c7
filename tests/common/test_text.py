import pytest

from motcua.common.text import fold, search_terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đất đai", "dat dai"),
        ("ĐĂNG KÝ BIẾN ĐỘNG", "dang ky bien dong"),
        ("Khí tượng  thủy văn ", "khi tuong thuy van"),
        ("Nguyễn Văn Thành", "nguyen van thanh"),
        ("Quách Thị Phương Thảo", "quach thi phuong thao"),
    ],
)
def test_fold_drops_every_vietnamese_mark_including_d_bar(text, folded):
    assert fold(text) == folded


def test_composed_and_decomposed_input_fold_alike():
    import unicodedata

    word = "Hạnh phúc"
    assert fold(unicodedata.normalize("NFD", word)) == fold(unicodedata.normalize("NFC", word))


def test_search_terms_split_on_spaces():
    assert search_terms("  dat  ĐAI ") == ["dat", "dai"]
    assert search_terms(None) == []

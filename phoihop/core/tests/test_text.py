import pytest

from phoihop.core.text import fold, normalize


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ủy ban Mặt trận", "uy ban mat tran"),
        ("Đảng", "dang"),
        ("ĐBKK", "dbkk"),
        ("Tỉnh Hoà Bình", "tinh hoa binh"),
        ("Tỉnh Hòa Bình", "tinh hoa binh"),
        ("  Hội   Chữ thập đỏ ", "hoi chu thap do"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_treats_decomposed_and_composed_alike():
    composed = "Quốc phòng"
    decomposed = "Quo\u0302\u0301c pho\u0300ng"
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "quoc phong"
    assert normalize(decomposed) == composed

import pytest

from rongetong.domain.privacy import mask_name, mask_phone, mask_text


@pytest.mark.parametrize(("phone", "masked"), [("13812345678", "138****5678"), ("0632-1234567", "063****4567"),
                                               ("12345", "***45"), (None, None), ("", "")])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_text_hides_phones_and_id_numbers_only():
    text = "我电话13812345678，身份证370402199001011234，门牌号123456"
    assert mask_text(text) == "我电话138****5678，身份证370402********1234，门牌号123456"


def test_mask_name():
    assert (mask_name("张三"), mask_name("欧阳娜娜"), mask_name(None)) == ("张*", "欧***", None)

"""Masking of personal data (手机号、身份证号) for public views and staff lists."""
from __future__ import annotations

import re

# Mainland mobile numbers and 18-digit resident ID numbers, not inside longer digit runs.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def mask_phone(phone: str | None) -> str | None:
    """138****1234; short or odd numbers keep only their last two digits."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_text(text: str | None) -> str | None:
    """Mask phone and ID-card numbers that a citizen typed into free text."""
    if not text:
        return text
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


# Who may read a citizen's full phone number (each read is audited): the command centre calls
# citizens back, return-visit officers phone them, and the handling unit may need to reach them.
REVEAL_ROLES = frozenset({"dispatcher", "officer", "handler"})


def may_reveal_contact(role: str, own_unit: bool) -> bool:
    return role in REVEAL_ROLES and (role != "handler" or own_unit)

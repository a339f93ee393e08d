"""Messages to citizens. The sink is the log in the embedded default; an SMS or WeChat gateway
plugs in behind ``send``."""
from __future__ import annotations

import logging

from ..domain.privacy import mask_phone
from ..extensions import db
from ..models import Case

log = logging.getLogger("rongetong.notifications")


def send(phone: str, text: str) -> None:
    log.info("notify %s: %s", mask_phone(phone), text)


def case_resolved(case_id: int) -> bool:
    """Tell the citizen the case is resolved and may be rated; nothing to do once it moved on."""
    case = db.session.get(Case, case_id)
    if case is None or case.status != "resolved" or not case.reporter_phone:
        return False
    unit = case.unit.name if case.unit else "承办单位"
    send(case.reporter_phone, f"【融e通】您反映的问题（查询码 {case.tracking_code}）已由{unit}办结，"
                              f"请在公众号中查看结果并评价。")
    return True

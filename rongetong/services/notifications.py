"""Messages to citizens, units, review panels and supervisors.

The sink is the log in the embedded default; an SMS or WeChat gateway plugs in behind ``send``.
Each function is safe to run twice: what was already sent is not sent again.
"""
from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..domain.privacy import mask_phone
from ..extensions import db
from ..models import Case, HotspotAlert, Reminder, SupervisionRecord, Unit
from ..models.types import utcnow

log = logging.getLogger("rongetong.notifications")

LEVEL_NAMES = {1: "一级研判专家组", 2: "二级研判领导小组"}
KIND_NAMES = {"accept": "签收", "resolve": "办结"}


def send(recipient: str, text: str) -> None:
    log.info("notify %s: %s", recipient, text)


def case_resolved(case_id: int) -> bool:
    """Tell the citizen the case is resolved and may be rated; nothing to do once it moved on."""
    case = db.session.get(Case, case_id)
    if case is None or case.status != "resolved" or not case.reporter_phone:
        return False
    unit = case.unit.name if case.unit else "承办单位"
    send(mask_phone(case.reporter_phone), f"【融e通】您反映的问题（查询码 {case.tracking_code}）已由{unit}办结，"
                                          f"请在公众号中查看结果并评价。")
    return True


def review_entered(case_id: int, level: int) -> bool:
    """Put a case on the review panel's agenda (一级/二级研判)."""
    case = db.session.get(Case, case_id)
    if case is None or case.status != f"review_l{level}":
        return False
    send(LEVEL_NAMES[level], f"诉求件 {case.tracking_code} 已提交{LEVEL_NAMES[level][:4]}，请安排研判。")
    return True


def send_reminders(ids: list[int]) -> int:
    """催办: tell each unit which of its cases near their deadlines; marks them sent exactly once."""
    sent = db.session.scalars(
        update(Reminder).where(Reminder.id.in_(ids), Reminder.sent_at.is_(None))
        .values(sent_at=utcnow()).returning(Reminder.id)).all()
    db.session.commit()
    for reminder in db.session.scalars(select(Reminder).where(Reminder.id.in_(sent))):
        case = db.session.get(Case, reminder.case_id)
        unit = case.unit.name if case.unit else "承办单位"
        limit = KIND_NAMES[reminder.deadline_kind]
        send(unit, f"【催办】诉求件 {case.tracking_code} 距{limit}时限不足 20%，请抓紧办理。")
    return len(sent)


def supervision_opened(ids: list[int]) -> int:
    """Tell the supervision account (纪委监委督查) which deadlines have just passed."""
    records = db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.id.in_(ids))
                                 .options(selectinload(SupervisionRecord.case))).all()
    if records:
        codes = "、".join(r.case.tracking_code for r in records[:10])
        more = f"等 {len(records)} 件" if len(records) > 10 else ""
        send("督办账号", f"【超期督办】{codes}{more}已超期，已自动生成督办记录。")
    return len(records)


def supervision_action(record_id: int, kind: str) -> bool:
    record = db.session.get(SupervisionRecord, record_id)
    if record is None or record.status != "open":
        return False
    unit = record.unit.name if record.unit else "承办单位"
    text = "请立即办理" if kind == "remind" else "请于 1 个工作日内书面说明超期原因"
    send(unit, f"【督办】诉求件 {record.case.tracking_code} 已超期，{text}。")
    return True


def hotspots(ids: list[int]) -> int:
    """未诉先办: tell each grid's town office and the 指挥中心 which categories spike where; once per alert."""
    sent = db.session.scalars(
        update(HotspotAlert).where(HotspotAlert.id.in_(ids), HotspotAlert.notified_at.is_(None))
        .values(notified_at=utcnow()).returning(HotspotAlert.id)).all()
    db.session.commit()
    alerts = db.session.scalars(select(HotspotAlert).where(HotspotAlert.id.in_(sent)).order_by(HotspotAlert.id)
                                .options(selectinload(HotspotAlert.grid), selectinload(HotspotAlert.minor))).all()
    if not alerts:
        return 0
    by_town: dict[int, list] = {}
    for alert in alerts:
        by_town.setdefault(alert.town_id, []).append(alert)
    offices = {u.town_id: u for u in db.session.scalars(
        select(Unit).where(Unit.kind == "town_office", Unit.town_id.in_(list(by_town))))}
    for town_id, items in by_town.items():
        lines = "；".join(f"{a.grid.name}“{a.minor.name}” 24 小时 {a.recent_count} 件（平日约 {a.baseline_mean:g} 件）"
                         for a in items)
        office = offices.get(town_id)
        send(office.name if office else "镇街", f"【未诉先办】{lines}，请提前处置。")
    send("指挥中心", f"【未诉先办】{len(alerts)} 处热点：" + "；".join(
        f"{a.grid.name}“{a.minor.name}” {a.recent_count} 件" for a in alerts[:10]) + ("等" if len(alerts) > 10 else ""))
    return len(alerts)

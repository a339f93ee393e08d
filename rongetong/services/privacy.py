"""Revealing a citizen's contact details to staff who need them — every reveal audited."""
from __future__ import annotations

from ..domain.errors import ActionForbidden
from ..domain.lifecycle import Actor
from ..domain.privacy import may_reveal_contact
from ..extensions import db
from ..models import AuditEntry
from .queries import get_case


def reveal_contact(case_id: int, actor: Actor, ip: str | None) -> dict:
    case = get_case(actor, case_id)  # 404 for a case the actor may not see
    if not may_reveal_contact(actor.role.value, own_unit=case.unit_id == actor.unit_id):
        raise ActionForbidden("当前角色不能查看诉求人完整联系方式")
    db.session.add(AuditEntry(actor_id=actor.user_id, actor_name=actor.name, actor_role=actor.role.value,
                              action="reveal_contact", object_type="case", object_id=case.id, ip=ip,
                              detail={"tracking_code": case.tracking_code}))
    db.session.commit()
    return {"name": case.reporter_name, "phone": case.reporter_phone}

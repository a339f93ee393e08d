"""Personal data: masked in every view, revealed in full only to the roles that call citizens back,
each reveal written to the audit trail."""
from sqlalchemy import select

from rongetong.extensions import db
from rongetong.models import AuditEntry
from tests.factories import INSIDE

TEXT = "楼道灯坏了，联系我13812345678，身份证370402199001011234"


def test_numbers_typed_into_the_text_are_masked_for_staff_and_citizens(client, login, file_case):
    case = file_case(TEXT, reporter_phone="13900002222", reporter_name="李四")
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=login("dispatcher")).get_json()
    assert "13812345678" not in detail["description"] and "138****5678" in detail["description"]
    assert "370402********1234" in detail["description"]
    assert detail["reporter"] == {"name": "李*", "phone": "139****2222"}
    listed = client.get("/api/v1/cases?per_page=200", headers=login("dispatcher")).get_json()["items"]
    assert all("13812345678" not in c["description"] for c in listed)
    public = client.get(f"/api/v1/public/cases/{case['tracking_code']}?phone_last4=2222").get_json()
    assert "13812345678" not in public["description"]


def test_reveal_is_for_the_roles_that_need_it_and_audited(app, client, login, file_case):
    case = file_case(TEXT, reporter_phone="13900002222", reporter_name="李四")
    path = f"/api/v1/cases/{case['id']}/contact"
    revealed = client.post(path, headers=login("dispatcher"))
    assert revealed.status_code == 200 and revealed.get_json() == {"name": "李四", "phone": "13900002222"}
    assert client.post(path, headers=login(f"handler-{case['department']['code']}")).status_code == 200
    assert client.post(path, headers=login("leader")).status_code == 403
    assert client.post(path, headers=login("handler-sifa")).status_code == 404      # not its case
    with app.app_context():
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == case["id"])).all()
        assert [(a.action, a.actor_role) for a in audited] == [("reveal_contact", "dispatcher"),
                                                               ("reveal_contact", "handler")]


def test_public_lookup_needs_the_phone_digits(client):
    filed = client.post("/api/v1/public/cases", json={"description": TEXT, **INSIDE, "phone": "13900003333"})
    code = filed.get_json()["tracking_code"]
    assert client.get(f"/api/v1/public/cases/{code}").status_code == 422
    assert client.get(f"/api/v1/public/cases/{code}?phone_last4=0000").status_code == 404

"""Open311 GeoReport v2: formats, filters, errors as the spec's list, and no personal data."""
from tests.factories import INSIDE

ROOT = "/open311/v2"


def open311_key(client, login):
    issued = client.post("/api/v1/partners", json={"name": "311 client", "channel": "open311"},
                         headers=login("admin"))
    return issued.get_json()["api_key"]


def file(client, key, **fields):
    form = {"api_key": key, "service_code": "0303", "lat": INSIDE["lat"], "long": INSIDE["lng"],
            "description": "路灯不亮，电话13812345678", **fields}
    return client.post(f"{ROOT}/requests.json", data=form)


def test_discovery_and_services_in_json_and_xml(client):
    discovery = client.get(f"{ROOT}/discovery.json").get_json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    xml = client.get(f"{ROOT}/services.xml")
    assert xml.mimetype == "text/xml"
    body = xml.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?><services><service><service_code>0101')
    assert client.get(f"{ROOT}/services/9999.json").status_code == 404
    assert client.get(f"{ROOT}/services.yaml").status_code == 404
    wrong = client.get(f"{ROOT}/services.json?jurisdiction_id=elsewhere.gov")
    assert wrong.status_code == 404 and wrong.get_json()[0]["code"] == 404


def test_filing_needs_an_open311_key_and_a_location(client, login):
    key = open311_key(client, login)
    assert file(client, "nope").status_code == 403
    missing = file(client, key, lat="", long="")
    assert missing.status_code == 400 and "lat and long" in missing.get_json()[0]["description"]
    unknown = file(client, key, service_code="0000")
    assert unknown.status_code == 400
    filed = file(client, key)
    assert filed.status_code == 201
    request_id = filed.get_json()[0]["service_request_id"]
    by_address = file(client, key, lat="", long="", address_string="中心街 12 号")
    assert by_address.status_code == 201

    one = client.get(f"{ROOT}/requests/{request_id}.json").get_json()[0]
    assert one["status"] == "open" and one["service_code"] == "0303"
    assert "13812345678" not in one["description"]                    # public: numbers masked
    assert client.get(f"{ROOT}/tokens/{request_id}.json").get_json() == [
        {"service_request_id": request_id, "token": request_id}]
    xml = client.get(f"{ROOT}/requests/{request_id}.xml").get_data(as_text=True)
    assert f"<service_request_id>{request_id}</service_request_id>" in xml


def test_request_filters(client, login):
    key = open311_key(client, login)
    first = file(client, key).get_json()[0]["service_request_id"]
    second = file(client, key, service_code="0201", description="垃圾没人清运").get_json()[0]["service_request_id"]
    both = client.get(f"{ROOT}/requests.json?service_request_id={first},{second}").get_json()
    assert {r["service_request_id"] for r in both} == {first, second}
    lamps = client.get(f"{ROOT}/requests.json?service_code=0303&status=open").get_json()
    assert first in [r["service_request_id"] for r in lamps] and second not in [r["service_request_id"] for r in lamps]
    assert client.get(f"{ROOT}/requests.json?status=closed").status_code == 200
    assert client.get(f"{ROOT}/requests.json?status=pending").status_code == 400
    assert client.get(f"{ROOT}/requests.json?start_date=yesterday").status_code == 400
    old = client.get(f"{ROOT}/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z").get_json()
    assert old == []

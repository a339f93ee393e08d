"""Open311 GeoReport v2 through a published client library (``georeport``) over HTTP.

The library reads (services, definitions, requests); it has no call for filing, so the request is
filed the way 311 clients do it: a form-encoded POST with the partner's api_key.
"""
import time

import pytest
import requests
from georeport import GeoReport

from tests.factories import INSIDE

pytestmark = pytest.mark.worker


@pytest.fixture()
def open311_key(api, password):
    admin = api.token("admin", password)
    issued = api.post("/partners", {"name": "市民热线 Open311 客户端", "channel": "open311"}, admin)
    assert issued.status_code == 201, issued.text
    return issued.json()["api_key"]


def test_a_georeport_client_files_and_reads_a_request(live_server, open311_key, worker):
    root = f"{live_server}/open311/v2"
    client = GeoReport(root, jurisdiction="shizhong.zaozhuang.gov.cn")

    services = client.get_service_list()
    assert len(services) == 475
    lamp = next(s for s in services if s["service_code"] == "0303")
    assert (lamp["service_name"], lamp["group"], lamp["metadata"]) == ("路灯不亮", "市政设施", True)
    definition = client.get_service_definition("0303")
    assert definition["attributes"][0]["code"] == "location_detail"

    filed = requests.post(f"{root}/requests.json", data={
        "api_key": open311_key, "jurisdiction_id": "shizhong.zaozhuang.gov.cn", "service_code": "0303",
        "lat": INSIDE["lat"], "long": INSIDE["lng"], "description": "小区门口的路灯坏了一个星期",
        "attribute[location_detail]": "3号楼东侧", "first_name": "明", "last_name": "王", "phone": "13800007777"})
    assert filed.status_code == 201, filed.text
    request_id = filed.json()[0]["service_request_id"]

    deadline = time.monotonic() + 30
    while (one := client.get_service_request(request_id))["agency_responsible"] is None \
            and time.monotonic() < deadline:  # the worker is routing it
        time.sleep(0.3)
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert (one["service_code"], one["agency_responsible"]) == ("0303", "区住房和城乡建设局")
    assert one["requested_datetime"].endswith("+08:00") and one["lat"] == INSIDE["lat"]
    listed = client.get_service_requests(service_request_id=request_id)
    assert [r["service_request_id"] for r in listed] == [request_id]

    as_xml = GeoReport(root, output_format="xml").get_service_request(request_id)
    assert as_xml["service_request_id"] == request_id and as_xml["status"] == "open"
    print(f"\ngeoreport read {len(services)} services and request {request_id}: {one['service_name']}, "
          f"{one['agency_responsible']}, status {one['status']}")

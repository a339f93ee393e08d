"""Bearer tokens and role checks."""
from openapi_spec_validator import validate


def test_token_for_a_demo_user(client, password):
    response = client.post("/api/v1/auth/token", json={"username": "dispatcher", "password": password})
    assert response.status_code == 200
    assert response.get_json()["token"] and response.get_json()["role"] == "dispatcher"


def test_wrong_password_is_401(client):
    response = client.post("/api/v1/auth/token", json={"username": "dispatcher", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_unknown_user_answers_like_a_wrong_password(client):
    response = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "nope"})
    assert response.status_code == 401


def test_missing_fields_are_422(client):
    response = client.post("/api/v1/auth/token", json={"username": "dispatcher"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "password"


def test_non_json_body_is_400(client):
    response = client.post("/api/v1/auth/token", data="username=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_no_token_and_a_forged_token_are_401(client):
    assert client.get("/api/v1/cases").status_code == 401
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer forged.token.value"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_role_without_the_right_gets_403(client, login):
    response = client.post("/api/v1/cases", json={"description": "路灯不亮", "lat": 34.86, "lng": 117.55},
                           headers=login("supervisor"))
    assert response.status_code == 403


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_is_valid_and_lists_the_lifecycle(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    for path in ("/auth/token", "/cases", "/cases/{id}", "/cases/{id}/accept", "/cases/{id}/decide",
                 "/public/cases", "/public/cases/{tracking_code}/rating", "/geo/grids", "/review/meetings",
                 "/supervision/overdue", "/supervision/records/{record_id}/close", "/dispatch/preview",
                 "/stats/routing", "/police/callback", "/taxonomy/minors/{code}/rollback"):
        assert path in doc["paths"], path
    assert "DecideRequest" in doc["components"]["schemas"]


def test_grids_geojson(client):
    collection = client.get("/api/v1/geo/grids").get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 500
    assert set(collection["features"][0]["properties"]) == {"code", "name", "town_code", "town_name"}


def test_grids_for_a_map_are_thinned_and_a_wrong_detail_is_refused(client):
    full = client.get("/api/v1/geo/grids").get_data()
    thinned = client.get("/api/v1/geo/grids?detail=map")
    assert thinned.status_code == 200 and len(thinned.get_json()["features"]) == 500
    assert len(thinned.get_data()) < len(full) / 2
    refused = client.get("/api/v1/geo/grids?detail=huge")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "validation_error"

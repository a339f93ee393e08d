"""回访: the officer's work list and call results; satisfaction from visits counts like a citizen's rating."""


def resolved_case(file_case, act, phone="13700004444"):
    case = file_case(reporter_phone=phone)
    handler = f"handler-{case['department']['code']}"
    accepted = act(case, "accept", handler).get_json()
    return act(accepted, "resolve", handler, result="已处理").get_json()


def test_the_work_list_holds_unrated_resolved_cases(client, login, file_case, act):
    case = resolved_case(file_case, act)
    worklist = client.get("/api/v1/return-visits?per_page=200", headers=login("officer")).get_json()
    assert case["id"] in [c["id"] for c in worklist["unrated"]["items"]]
    assert worklist["unrated"]["total"] >= 1 and "items" in worklist["sample"]
    assert client.get("/api/v1/return-visits", headers=login("dispatcher")).status_code == 403


def test_a_call_result_rates_and_closes_the_case(client, login, file_case, act):
    case = resolved_case(file_case, act)
    unreached = act(case, "return_visit", "officer", reached=False, comment="无人接听")
    assert unreached.status_code == 200 and unreached.get_json()["status"] == "resolved"
    assert act(case, "return_visit", "officer", reached=True).status_code == 422          # rating needed
    assert act(case, "return_visit", "dispatcher", reached=True, rating="satisfied").status_code == 403
    closed = act(case, "return_visit", "officer", reached=True, rating="basically_satisfied").get_json()
    assert (closed["status"], closed["rating"]) == ("closed", "basically_satisfied")
    assert closed["timeline"][-1]["actor"] == "回访信息员"
    # A sample call on a closed case records the answer without reopening it.
    again = act(closed, "return_visit", "officer", reached=True, rating="satisfied").get_json()
    assert (again["status"], again["rating"]) == ("closed", "satisfied")
    worklist = client.get("/api/v1/return-visits?sample=200", headers=login("officer")).get_json()
    assert case["id"] not in [c["id"] for c in worklist["sample"]["items"]]


def test_a_dissatisfied_visit_sends_the_case_back(file_case, act):
    case = resolved_case(file_case, act)
    reworked = act(case, "return_visit", "officer", reached=True, rating="dissatisfied", comment="没修好").get_json()
    assert reworked["status"] == "dispatched" and reworked["rework"] is True
    assert act(reworked, "return_visit", "officer", reached=False).status_code == 409

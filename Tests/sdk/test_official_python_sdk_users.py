"""The official Python SDK's UsersApi (purecloudplatformclientv2, the same version as the groups
scenario) against `pclua emulator --data`: listing by state over several pages, one user by id,
search by email with `values`, the next page by q64, and a 4xx for a bad criterion type.
"""
import json
import urllib.error
import urllib.request

import pytest
import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from served_emulator import served_emulator

ACTIVE, INACTIVE, DELETED = 23, 11, 4


def org():
    users = [{"id": f"a{n:02d}", "name": f"Active {n:02d}", "email": f"Active{n:02d}@Corp.Example"} for n in range(1, ACTIVE + 1)]
    users += [{"id": f"i{n:02d}", "name": f"Inactive {n:02d}", "email": f"inactive{n:02d}@corp.example", "state": "inactive"}
              for n in range(1, INACTIVE + 1)]
    users += [{"id": f"d{n:02d}", "name": f"Deleted {n:02d}", "email": f"deleted{n:02d}@corp.example", "state": "deleted"}
              for n in range(1, DELETED + 1)]
    users[0]["division"] = {"id": "div-sales", "name": "Sales"}
    return {"users": users, "groups": [{"id": "g1", "name": "Everyone", "members": [u["id"] for u in users]}]}


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "org.json"
    path.write_text(json.dumps(org()))
    with served_emulator("--data", str(path)) as url:
        yield url


@pytest.fixture(scope="module")
def client(emulator):
    return gc.api_client.ApiClient(host=emulator).get_client_credentials_token("sdk-id", "sdk-secret")


@pytest.fixture(scope="module")
def users(client):
    return gc.UsersApi(client)


def every_page(users, **kwargs):
    first = users.get_users(page_number=1, **kwargs)
    pages = [first] + [users.get_users(page_number=n, **kwargs) for n in range(2, first.page_count + 1)]
    return first, [u for page in pages for u in page.entities]


def test_listing_by_state_spans_pages_and_yields_every_user_once(users):
    first, inactive = every_page(users, page_size=5, state="inactive")
    assert first.total == INACTIVE and first.page_count == 3
    assert first.next_uri == "/api/v2/users?pageSize=5&pageNumber=2&state=inactive"
    assert len({u.id for u in inactive}) == INACTIVE and {u.state for u in inactive} == {"inactive"}

    first, active = every_page(users, page_size=10)
    assert first.total == ACTIVE and first.page_count == 3
    assert {u.state for u in active} == {"active"}
    assert [u.name for u in active] == sorted(u.name for u in active)

    _, everyone = every_page(users, page_size=500, state="any")
    assert len(everyone) == ACTIVE + INACTIVE + DELETED

    by_ids = users.get_users(id=["a02", "i02", "nobody"], state="any")
    assert sorted(u.id for u in by_ids.entities) == ["a02", "i02"]


def test_get_one_user_with_username_and_division(users):
    user = users.get_user("a01")
    assert user.email == "Active01@Corp.Example" and user.username == user.email
    assert user.division.id == "div-sales" and user.division.name == "Sales"
    assert users.get_user("i01").state == "inactive"
    with pytest.raises(ApiException) as gone:
        users.get_user("d01")
    assert gone.value.status == 404
    assert users.get_user("d01", state="deleted").state == "deleted"


def test_search_by_email_values_then_the_next_page_by_q64(users):
    criteria = gc.UserSearchCriteria()
    criteria.type, criteria.fields = "EXACT", ["email"]
    criteria.values = ["ACTIVE01@corp.example", "active02@corp.example", "Inactive03@CORP.example",
                       "deleted01@corp.example", "nobody@corp.example"]
    body = gc.UserSearchRequest()
    body.query, body.page_size, body.page_number = [criteria], 2, 1
    found = users.post_users_search(body)
    assert found.total == 3 and found.page_count == 2 and found.types == ["users"]
    q64 = found.next_page.split("q64=", 1)[1]
    second = users.get_users_search(q64)
    assert second.page_number == 2 and second.page_size == 2
    ids = {u.id for u in found.results} | {u.id for u in second.results}
    assert ids == {"a01", "a02", "i03"}, "case-insensitive, inactive included, deleted left out"


def test_a_bad_criterion_type_is_a_400(users, emulator, client):
    # The SDK turns an enum value it does not know into "outdated_sdk_version" before sending it.
    criteria = gc.UserSearchCriteria()
    criteria.type, criteria.fields, criteria.value = "FUZZY", ["email"], "x"
    body = gc.UserSearchRequest()
    body.query = [criteria]
    with pytest.raises(ApiException) as refused:
        users.post_users_search(body)
    assert refused.value.status == 400 and "outdated_sdk_version" in refused.value.body

    # The raw JSON a client with a newer enum would send, with the SDK's own token.
    raw = json.dumps({"query": [{"type": "FUZZY", "fields": ["email"], "value": "x"}]}).encode()
    request = urllib.request.Request(
        emulator + "/api/v2/users/search", data=raw, method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + client.access_token})
    with pytest.raises(urllib.error.HTTPError) as raw_refused:
        urllib.request.urlopen(request, timeout=10)
    assert raw_refused.value.code == 400
    error = json.loads(raw_refused.value.read())
    assert error["code"] == "bad.request" and "FUZZY" in error["message"]

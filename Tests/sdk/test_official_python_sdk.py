"""The official Genesys Cloud Python SDK (purecloudplatformclientv2) against `pclua emulator`.

The SDK's own code does the login, paging, versions and search: if the emulator drifts from what
the real platform sends (a null, a missing field, a wrong status), the SDK breaks here first.
"""

import pytest
import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from served_emulator import served_emulator


@pytest.fixture(scope="module")
def emulator():
    with served_emulator("--seed-users", "300", "--seed-groups", "620") as url:
        yield url


@pytest.fixture(scope="module")
def api(emulator):
    client = gc.api_client.ApiClient(host=emulator)
    client = client.get_client_credentials_token("sdk-id", "sdk-secret")
    return gc.GroupsApi(client)


def test_login_with_a_bad_secret_is_refused(emulator):
    client = gc.api_client.ApiClient(host=emulator)
    with pytest.raises(Exception) as raised:
        client.get_client_credentials_token("sdk-id", "wrong")
    assert "401" in str(raised.value) or "authentication failed" in str(raised.value)


def test_listing_at_page_size_500_spans_pages_and_yields_every_group_once(api):
    first = api.get_groups(page_size=500, page_number=1)
    assert first.page_count == 2 and first.total == 620 and len(first.entities) == 500
    assert first.next_uri == "/api/v2/groups?pageSize=500&pageNumber=2" and first.previous_uri is None
    second = api.get_groups(page_size=500, page_number=2)
    assert len(second.entities) == 120 and second.next_uri is None
    ids = [g.id for g in first.entities + second.entities]
    assert len(set(ids)) == 620
    past_end = api.get_groups(page_size=500, page_number=3)
    assert past_end.entities == []


def test_group_lifecycle_with_versions_search_and_delete(api):
    users = api.get_group_members(api.get_groups(page_size=1).entities[0].id, page_size=5).entities
    user_ids = [u.id for u in users]
    body = gc.GroupCreate()
    body.name, body.type, body.visibility, body.rules_visible = "SDK Parity Team", "official", "public", True
    group = api.post_groups(body)
    assert group.version == 1 and group.state == "active" and group.member_count == 0

    update = gc.GroupMembersUpdate()
    update.member_ids, update.version = user_ids[:3], group.version
    api.post_group_members(group.id, update)
    group = api.get_group(group.id)
    assert group.version == 2 and group.member_count == 3

    stale = gc.GroupMembersUpdate()
    stale.member_ids, stale.version = user_ids[3:], 1
    with pytest.raises(ApiException) as conflict:
        api.post_group_members(group.id, stale)
    assert conflict.value.status == 409 and "general.conflict" in conflict.value.body

    put = gc.GroupUpdate()
    put.name, put.version = "SDK Parity Team EU", group.version
    renamed = api.put_group(group.id, body=put)
    assert renamed.name == "SDK Parity Team EU" and renamed.version == 3

    criteria = gc.GroupSearchCriteria()
    criteria.type, criteria.fields, criteria.value = "STARTS_WITH", ["name"], "S"
    search = gc.GroupSearchRequest()
    search.query, search.page_size, search.page_number = [criteria], 25, 1
    found = api.post_groups_search(search)
    assert found.total > 25 and found.page_number == 1 and found.types == ["groups"]
    q64 = found.next_page.split("q64=", 1)[1]
    page_two = api.get_groups_search(q64)
    assert page_two.page_number == 2
    assert not {g.id for g in found.results} & {g.id for g in page_two.results}

    exact = gc.GroupSearchCriteria()
    exact.type, exact.fields, exact.value = "EXACT", ["name"], "SDK Parity Team EU"
    by_name = gc.GroupSearchRequest()
    by_name.query = [exact]
    assert [g.id for g in api.post_groups_search(by_name).results] == [group.id]

    api.delete_group_members(group.id, ",".join(user_ids[:2]))
    individuals = api.get_group_individuals(group.id)
    assert [u.id for u in individuals.entities] == [user_ids[2]]

    api.delete_group(group.id)
    with pytest.raises(ApiException) as gone:
        api.get_group(group.id)
    assert gone.value.status == 404

"""Who a token belongs to, read by the official Python SDK (the same version as the other
scenarios) from `pclua emulator`: TokensApi.get_tokens_me and OrganizationApi.get_organizations_me
answer the org named with --org-name/--org-id (or the data file's), and --forbid makes one of them
a 403 as a role without the permission would.
"""
import json

import pytest
import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from served_emulator import served_emulator

ORG_ID = "0f8e3c1a-7b2d-4c5e-9f60-123456789abc"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("identity") / "org.json"
    path.write_text(json.dumps({
        "organization": {"id": "11111111-2222-4333-8444-555555555555", "name": "Name In The File"},
        "users": [{"id": "u1", "name": "Ada", "email": "ada@corp.example"}],
        "groups": [],
    }))
    with served_emulator("--data", str(path), "--org-name", "Acme Staging", "--org-id", ORG_ID,
                         "--client-name", "nightly sync", "--forbid", "get_organizations_me") as url:
        yield gc.api_client.ApiClient(host=url).get_client_credentials_token("sdk-id", "sdk-secret")


def test_tokens_me_names_the_org_and_the_oauth_client(client):
    info = gc.TokensApi(client).get_tokens_me()
    assert (info.organization.id, info.organization.name) == (ORG_ID, "Acme Staging")
    assert info.home_organization.id == ORG_ID
    assert info.o_auth_client.name == "nightly sync"
    assert info.o_auth_client.authorized_grant_type == "CLIENT-CREDENTIALS"
    assert info.o_auth_client.organization.id == ORG_ID
    assert info.authorized_scope


def test_a_forbidden_operation_is_a_403_the_sdk_raises(client):
    with pytest.raises(ApiException) as refused:
        gc.OrganizationApi(client).get_organizations_me()
    assert refused.value.status == 403
    assert json.loads(refused.value.body)["code"] == "missing.permissions"


def test_organizations_me_reads_the_data_files_org():
    with served_emulator("--seed-users", "3", "--seed-groups", "1", "--org-name", "Demo For SDK") as url:
        client = gc.api_client.ApiClient(host=url).get_client_credentials_token("sdk-id", "sdk-secret")
        org = gc.OrganizationApi(client).get_organizations_me()
        assert org.name == "Demo For SDK"
        assert org.id and org.third_party_org_name == "demo-for-sdk"
        assert org.state == "active"

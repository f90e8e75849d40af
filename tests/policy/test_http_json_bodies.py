"""Request bodies over real HTTP: malformed JSON is a 400 that says where it breaks, whatever
Content-Type the client sent; form endpoints keep taking forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.policy.factory import bundle_doc, rule
from tests.support.server import ADMIN_PASSWORD, ServerProcess, start_server

pytestmark = pytest.mark.e2e

BROKEN = b'{"id": "x",\n "name": }'
EXPECTED = {
    "message": "Request body is not valid JSON: Expecting value (position 21, line 2, column 10)",
    "httpcode": 400,
    "detail": {
        "json_error": {"reason": "Expecting value", "position": 21, "line": 2, "column": 10},
        "error_codes": [],
    },
}


@pytest.fixture
def server(fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    srv = start_server(tmp_path, fresh_database, services="api,rbac,catalog,policy")
    yield srv
    srv.stop()


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},
        {},  # no Content-Type at all
        {"Content-Type": "application/x-www-form-urlencoded"},  # what curl -d sends
        {"Content-Type": "text/plain; charset=utf-8"},
    ],
)
def test_malformed_json_is_a_400_with_its_position(server: ServerProcess, headers: dict[str, str]) -> None:
    with server.client() as c:
        for path in ("/v1/policies", "/policies", "/v1/images"):
            r = c.post(path, content=BROKEN if path != "/v1/images" else b'{"tag": ', headers=headers)
            assert r.status_code == 400, (path, r.text)
            body = r.json()
            if path == "/v1/images":
                assert body["message"].startswith(
                    "Request body is not valid JSON: Expecting value (position 8,"
                )
            else:
                assert body == EXPECTED


def test_json_without_content_type_and_forms_still_work(server: ServerProcess) -> None:
    with server.client() as c:
        doc = bundle_doc([rule("always", "always")], id="plain-body")
        added = c.post("/v1/policies", content=json.dumps(doc).encode())
        assert added.status_code == 200, added.text
        assert added.json()["policyId"] == "plain-body"
        schema_error = c.post("/v1/policies", content=b"[1, 2]")  # valid JSON, not a bundle
        assert schema_error.status_code == 400 and "not valid JSON" not in schema_error.json()["message"]
    token = server.client().post(
        "/v1/oauth/token",
        data={
            "grant_type": "password",
            "username": "admin",
            "password": ADMIN_PASSWORD,
            "client_id": "anonymous",
        },
    )
    assert token.status_code == 200 and token.json()["access_token"]

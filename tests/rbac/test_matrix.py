"""Generated from the permission catalog: every External API operation × every role.

A route the role's actions cover must not answer 403; any other must. A route without a
declared action fails the coverage test, so no operation can skip the authorizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from drydock.api.middleware import API_PREFIX
from drydock.rbac.permissions import SYSTEM_ACTIONS, Action
from drydock.rbac.roles import ROLES
from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app

from tests.support.tenants import make_account, make_user

# Routes that need no authentication at all, by design (as in the reference).
PUBLIC = {("GET", "/v1/"), ("GET", "/v1/health"), ("GET", "/v1/version"), ("POST", "/v1/oauth/token")}


def api_routes(app) -> Iterator[tuple[str, str, APIRoute]]:  # type: ignore[no-untyped-def]
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        candidates = (
            [(API_PREFIX + r.path, r) for r in inner.routes]
            if inner is not None
            else [(getattr(route, "path", ""), route)]
        )
        for path, r in candidates:
            if isinstance(r, APIRoute) and path.startswith(API_PREFIX):
                for method in sorted(r.methods - {"HEAD", "OPTIONS"}):
                    yield method, path, r


def route_action(route: APIRoute) -> Action | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        action = getattr(dep.call, "action", None)
        if action is not None:
            return action
        stack.extend(dep.dependencies)
    return None


def _operations(runtime: Runtime) -> list[tuple[str, str, Action]]:
    app = build_app(runtime)
    ops = []
    for method, path, route in api_routes(app):
        if (method, path) in PUBLIC:
            continue
        action = route_action(route)
        assert action is not None, f"{method} {path} declares no authorization action"
        ops.append((method, path, action))
    return ops


def test_every_route_declares_an_action(rbac_runtime: Runtime) -> None:
    ops = _operations(rbac_runtime)
    assert len(ops) >= 30
    assert {a for _, _, a in ops} >= {Action.LIST_ACCOUNTS, Action.CREATE_USER, Action.LIST_ROLES}


def _fill(path: str, account: str, username: str) -> str:
    values = {"accountname": account, "username": username, "role": "read-only"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_matrix(api: TestClient, rbac_runtime: Runtime, role: str) -> None:
    account = make_account(api)
    user, password = make_user(api, account, role)
    target, _ = make_user(api, account)  # a user to act upon, so user routes resolve
    failures = []
    for method, path, action in _operations(rbac_runtime):
        url = _fill(path, account, target)
        kwargs = {"json": {}} if method in ("POST", "PUT") else {}
        r = api.request(method, url, auth=(user, password), **kwargs)
        allowed = action is Action.AUTHENTICATED or (
            action not in SYSTEM_ACTIONS and ROLES[role].allows(action)
        )
        if allowed == (r.status_code == 403):
            failures.append(f"{method} {path} [{action.value}] -> {r.status_code}: {r.text[:120]}")
    assert not failures, "\n".join(failures)


def test_no_role_means_no_access(api: TestClient, rbac_runtime: Runtime) -> None:
    account = make_account(api)
    user, password = make_user(api, account)
    for method, path, action in _operations(rbac_runtime):
        if action is Action.AUTHENTICATED:
            continue
        r = api.request(
            method,
            _fill(path, account, user),
            auth=(user, password),
            json={} if method in ("POST", "PUT") else None,
        )
        assert r.status_code == 403, f"{method} {path}: {r.status_code}"

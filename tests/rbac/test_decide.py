"""The pure decision function."""

from __future__ import annotations

import pytest

from drydock.accounts.service import Principal
from drydock.rbac.authorizer import decide
from drydock.rbac.permissions import SYSTEM_ACTIONS, Action
from drydock.rbac.roles import ROLES

USER = Principal(username="u", account_name="acme", account_type="user", account_state="enabled")
ADMIN = Principal(username="admin", account_name="admin", account_type="admin", account_state="enabled")


def test_admin_bypasses_everything() -> None:
    for action in Action:
        assert decide(ADMIN, action, "anywhere", frozenset()).allowed


def test_disabled_account_denied_even_for_full_control() -> None:
    disabled = Principal(username="u", account_name="acme", account_type="user", account_state="disabled")
    d = decide(disabled, Action.LIST_IMAGES, "acme", frozenset({"full-control"}))
    assert not d.allowed and d.reason == "account disabled"


@pytest.mark.parametrize("action", sorted(SYSTEM_ACTIONS))
def test_system_actions_need_admin_account(action: Action) -> None:
    assert not decide(USER, action, "acme", frozenset(ROLES)).allowed


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_grants_exactly_its_actions(role: str) -> None:
    for action in Action:
        if action in SYSTEM_ACTIONS or action is Action.AUTHENTICATED:
            continue
        assert decide(USER, action, "acme", frozenset({role})).allowed == ROLES[role].allows(action)


def test_roles_count_only_in_their_account() -> None:
    assert not decide(USER, Action.LIST_IMAGES, "other", frozenset()).allowed
    assert decide(USER, Action.LIST_IMAGES, "other", frozenset({"read-only"})).allowed
    # identity calls: own account always, another only with a membership there
    assert decide(USER, Action.AUTHENTICATED, "acme", frozenset()).allowed
    assert not decide(USER, Action.AUTHENTICATED, "other", frozenset()).allowed
    assert decide(USER, Action.AUTHENTICATED, "other", frozenset({"read-only"})).allowed


def test_reference_role_sets() -> None:
    assert ROLES["read-only"].allows(Action.GET_IMAGE_EVALUATION)
    assert not ROLES["read-only"].allows(Action.CREATE_IMAGE)
    assert ROLES["image-analyzer"].allows(Action.CREATE_IMAGE)
    assert not ROLES["image-analyzer"].allows(Action.DELETE_IMAGE)
    assert ROLES["policy-editor"].allows(Action.UPDATE_POLICY)
    assert not ROLES["policy-editor"].allows(Action.CREATE_IMAGE)
    assert ROLES["account-users-admin"].allows(Action.CREATE_ROLE_MEMBER)
    assert not ROLES["account-users-admin"].allows(Action.LIST_IMAGES)
    assert all(ROLES["full-control"].allows(a) for a in Action)

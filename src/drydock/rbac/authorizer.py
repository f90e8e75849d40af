"""The one place that says allow or deny.

Today the rule is Anchore Engine's: admin-account (and service-account) users may do anything
in any account; other users may act only within their own account and never on system-wide
actions; users of a disabled account may do nothing.
"""

from __future__ import annotations

from drydock.accounts.models import AccountState
from drydock.accounts.service import Principal
from drydock.core.errors import Forbidden
from drydock.rbac.permissions import SYSTEM_ACTIONS, Action

SYSTEM_DOMAIN = "system"


def authorize(principal: Principal, action: Action, domain: str) -> None:
    """Raise Forbidden unless ``principal`` may perform ``action`` in account ``domain``."""
    if principal.account_state != AccountState.ENABLED.value:
        raise Forbidden("Not authorized: the account of this user is disabled")
    if principal.is_admin:
        return
    if action is Action.AUTHENTICATED and domain == principal.account_name:
        return
    if action in SYSTEM_ACTIONS or domain != principal.account_name:
        target_domain = SYSTEM_DOMAIN if action in SYSTEM_ACTIONS else domain
        raise Forbidden(
            f"Not authorized. Requires permissions: domain={target_domain} action={action.value} target=*"
        )

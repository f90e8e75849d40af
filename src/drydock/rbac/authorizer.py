"""The one place that says allow or deny.

Rules, in order:
1. A user whose account is not enabled may do nothing.
2. Admin-account (and service-account) users may do anything, in any account.
3. System-wide actions (account management, audit) are for admin-account users only.
4. Otherwise the user needs a role, held *in the account the request acts in*, that grants the
   action. ``AUTHENTICATED`` operations (own identity, status) need only membership of that
   account — or none at all in the user's own account.

Role memberships are cached per user in this process. Changes made here invalidate the cache
at once; changes made by other processes are noticed through the generation counter in the
database, polled at most every ``poll_seconds`` — the bound on cross-process staleness.
Account state is never cached (it comes with the principal on every request), so disabling an
account or deleting a user takes effect on the next request everywhere.

Every decision can be written to the audit log (``audit``: ``all``, ``denied`` or ``off``);
records are buffered and written in batches by ``flush_audit`` so auditing adds no write to
the request path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from sqlalchemy.orm import Session

from drydock.accounts.models import AccountState
from drydock.accounts.service import Principal
from drydock.core.db import Database, utcnow
from drydock.core.errors import Forbidden
from drydock.core.logging import request_id_var
from drydock.rbac import service
from drydock.rbac.models import AuditEvent
from drydock.rbac.permissions import SYSTEM_ACTIONS, Action
from drydock.rbac.roles import ROLES

log = logging.getLogger(__name__)

SYSTEM_DOMAIN = "system"
AUDIT_MODES = ("all", "denied", "off")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str


def decide(principal: Principal, action: Action, domain: str, roles_in_domain: frozenset[str]) -> Decision:
    """Pure decision function (rules in the module docstring)."""
    if principal.account_state != AccountState.ENABLED.value:
        return Decision(False, "account disabled")
    if principal.is_admin:
        return Decision(True, "admin account")
    if action in SYSTEM_ACTIONS:
        return Decision(False, "system action")
    if action is Action.AUTHENTICATED:
        if domain == principal.account_name or roles_in_domain:
            return Decision(True, "authenticated")
        return Decision(False, "no role in account")
    for name in sorted(roles_in_domain):
        role = ROLES.get(name)
        if role is not None and role.allows(action):
            return Decision(True, f"role {name}")
    return Decision(False, "no role grants the action")


class Authorizer:
    def __init__(self, db: Database, *, poll_seconds: float = 1.0, audit: str = "denied") -> None:
        if audit not in AUDIT_MODES:
            raise ValueError(f"audit mode must be one of {AUDIT_MODES}")
        self.db = db
        self.poll_seconds = poll_seconds
        self.audit_mode = audit
        self._cache: dict[str, dict[str, frozenset[str]]] = {}
        self._generation = -1
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._pending: deque[AuditEvent] = deque(maxlen=100_000)

    # -- cache ----------------------------------------------------------------------------
    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()
            self._checked_at = 0.0

    def _memberships(self, session: Session, username: str) -> dict[str, frozenset[str]]:
        """Read through the request's own session: a second connection would deadlock on
        SQLite, where the request's transaction holds the write lock."""
        now = time.monotonic()
        with self._lock:
            stale = now - self._checked_at >= self.poll_seconds
            cached = None if stale else self._cache.get(username)
        if cached is not None:
            return cached
        generation = service.current_generation(session) if stale else None
        with self._lock:
            if generation is not None:
                if generation != self._generation:
                    self._cache.clear()
                    self._generation = generation
                self._checked_at = now
            cached = self._cache.get(username)
        if cached is None:
            cached = service.memberships(session, username)
            with self._lock:
                self._cache[username] = cached
        return cached

    # -- decisions ------------------------------------------------------------------------
    def authorize(
        self,
        session: Session,
        principal: Principal,
        action: Action,
        domain: str,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Raise Forbidden unless allowed; record the decision per the audit mode."""
        if (
            principal.is_admin
            or principal.account_state != AccountState.ENABLED.value
            or action in SYSTEM_ACTIONS
        ):
            roles: frozenset[str] = frozenset()
        else:
            roles = self._memberships(session, principal.username).get(domain, frozenset())
        decision = decide(principal, action, domain, roles)
        if self.audit_mode == "all" or (self.audit_mode == "denied" and not decision.allowed):
            self._pending.append(
                AuditEvent(
                    timestamp=utcnow(),
                    username=principal.username,
                    account=domain,
                    action=action.value,
                    allowed=decision.allowed,
                    reason=decision.reason,
                    request_id=request_id_var.get(),
                    method=method,
                    path=path[:512] if path else None,
                )
            )
        if not decision.allowed:
            if decision.reason == "account disabled":
                raise Forbidden("Not authorized: the account of this user is disabled")
            target = SYSTEM_DOMAIN if action in SYSTEM_ACTIONS else domain
            raise Forbidden(
                f"Not authorized. Requires permissions: domain={target} action={action.value} target=*"
            )

    def flush_audit(self, session: Session | None = None) -> int:
        """Write buffered audit records (in ``session`` if given — a request reading the log
        must not open a second connection); returns how many."""
        batch = []
        while self._pending:
            try:
                batch.append(self._pending.popleft())
            except IndexError:
                break
        if batch and session is not None:
            session.add_all(batch)
            session.flush()
        elif batch:
            with self.db.session() as own:
                own.add_all(batch)
        return len(batch)

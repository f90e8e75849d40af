"""Role memberships, API keys and the audit log. Functions take an explicit session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from drydock.accounts.models import Account, AccountState, User
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest, Conflict, NotFound
from drydock.rbac.models import ApiKey, AuditEvent, RbacState, RoleMember, RoleRecord
from drydock.rbac.roles import ROLES, USER_ADMIN_ROLES, Role, get_role

API_KEY_PREFIX = "ddk_"


# --- roles and members --------------------------------------------------------------------


def sync_roles(session: Session) -> None:
    """Mirror the code-defined roles into the roles table (idempotent)."""
    existing = {r.name: r for r in session.scalars(select(RoleRecord))}
    for role in ROLES.values():
        row = existing.get(role.name)
        if row is None:
            session.add(RoleRecord(name=role.name, description=role.description))
        elif row.description != role.description:
            row.description = role.description
    session.flush()


def require_role(name: str) -> Role:
    role = get_role(name)
    if role is None:
        raise NotFound(f"Role {name} not found")
    return role


def _require_user(session: Session, username: str) -> User:
    user = session.get(User, username)
    if user is None:
        raise NotFound(f"User {username} not found")
    return user


def _require_account(session: Session, name: str) -> Account:
    account = session.get(Account, name)
    if account is None or account.state == AccountState.DELETING.value:
        raise NotFound(f"Account {name} not found")
    return account


def bump_generation(session: Session) -> None:
    """Tell every process that memberships changed (their caches compare this number)."""
    result = session.execute(
        update(RbacState).where(RbacState.id == 1).values(generation=RbacState.generation + 1)
    )
    if result.rowcount == 0:
        session.add(RbacState(id=1, generation=1))
    session.flush()


def current_generation(session: Session) -> int:
    return session.scalar(select(RbacState.generation).where(RbacState.id == 1)) or 0


def memberships(session: Session, username: str) -> dict[str, frozenset[str]]:
    """account → role names held there by ``username``."""
    out: dict[str, set[str]] = {}
    for role, account in session.execute(
        select(RoleMember.role, RoleMember.for_account).where(RoleMember.username == username)
    ):
        out.setdefault(account, set()).add(role)
    return {k: frozenset(v) for k, v in out.items()}


def add_member(session: Session, *, role: str, username: str, for_account: str) -> RoleMember:
    require_role(role)
    _require_user(session, username)
    _require_account(session, for_account)
    if session.get(RoleMember, (role, username, for_account)) is not None:
        raise Conflict(f"User {username} already has role {role} in account {for_account}")
    member = RoleMember(role=role, username=username, for_account=for_account)
    session.add(member)
    bump_generation(session)
    return member


def remove_member(session: Session, *, role: str, username: str, for_account: str) -> None:
    require_role(role)
    member = session.get(RoleMember, (role, username, for_account))
    if member is None:
        raise NotFound(f"User {username} does not have role {role} in account {for_account}")
    if role in USER_ADMIN_ROLES:
        others = session.scalar(
            select(func.count())
            .select_from(RoleMember)
            .where(
                RoleMember.for_account == for_account,
                RoleMember.role.in_(USER_ADMIN_ROLES),
                ~((RoleMember.username == username) & (RoleMember.role == role)),
            )
        )
        if not others:
            raise BadRequest(
                f"Cannot remove the last administrator of account {for_account}: grant full-control or "
                "account-users-admin to another user first"
            )
    session.delete(member)
    bump_generation(session)


def list_members(session: Session, *, role: str, for_account: str) -> list[RoleMember]:
    require_role(role)
    return list(
        session.scalars(
            select(RoleMember)
            .where(RoleMember.role == role, RoleMember.for_account == for_account)
            .order_by(RoleMember.username)
        )
    )


def user_roles(session: Session, *, username: str) -> list[RoleMember]:
    _require_user(session, username)
    return list(
        session.scalars(
            select(RoleMember)
            .where(RoleMember.username == username)
            .order_by(RoleMember.for_account, RoleMember.role)
        )
    )


def forget_user(session: Session, username: str) -> None:
    """Remove a deleted user's memberships and API keys."""
    session.execute(delete(RoleMember).where(RoleMember.username == username))
    session.execute(delete(ApiKey).where(ApiKey.username == username))
    bump_generation(session)


def forget_account(session: Session, account: str) -> None:
    """Account purger: memberships granted in a deleted account go with it."""
    session.execute(delete(RoleMember).where(RoleMember.for_account == account))
    bump_generation(session)


# --- API keys -----------------------------------------------------------------------------


def _hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a plain SHA-256 is as strong as a KDF and costs nothing.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session, *, username: str, name: str, expires_at: datetime | None
) -> tuple[ApiKey, str]:
    """Create a key; returns the record and the full key string, shown to the user once."""
    _require_user(session, username)
    if expires_at is not None and expires_at <= utcnow():
        raise BadRequest("expires_at must be in the future")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        key_id=key_id, username=username, name=name, secret_hash=_hash_secret(secret), expires_at=expires_at
    )
    session.add(key)
    session.flush()
    return key, f"{API_KEY_PREFIX}{key_id}.{secret}"


def list_api_keys(session: Session, *, username: str) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.username == username).order_by(ApiKey.created_at))
    )


def revoke_api_key(session: Session, *, username: str, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or key.username != username:
        raise NotFound(f"API key {key_id} not found")
    key.revoked = True
    return key


def authenticate_api_key(session: Session, token: str) -> str | None:
    """The username owning a valid, unrevoked, unexpired key; None otherwise."""
    if not token.startswith(API_KEY_PREFIX) or "." not in token:
        return None
    key_id, _, secret = token[len(API_KEY_PREFIX) :].partition(".")
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked or not hmac.compare_digest(key.secret_hash, _hash_secret(secret)):
        return None
    now = utcnow()
    if key.expires_at is not None and key.expires_at <= now:
        return None
    key.last_used_at = now
    return key.username


# --- audit --------------------------------------------------------------------------------


def query_audit(
    session: Session,
    *,
    username: str | None = None,
    account: str | None = None,
    action: str | None = None,
    allowed: bool | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if account:
        stmt = stmt.where(AuditEvent.account == account)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if allowed is not None:
        stmt = stmt.where(AuditEvent.allowed == allowed)
    if since is not None:
        stmt = stmt.where(AuditEvent.timestamp >= since)
    return list(session.scalars(stmt))

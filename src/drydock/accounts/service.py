"""Account, user and credential operations. Every function takes an explicit session and
raises ``drydock.core.errors`` exceptions with the reference's status codes and messages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from drydock.accounts.models import Account, AccountState, AccountType, Credential, User, UserType
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest, NotFound
from drydock.core.security import hash_password, random_password, verify_password

log = logging.getLogger(__name__)

ADMIN_ACCOUNT = "admin"
RESERVED_ACCOUNT_NAMES = frozenset({"system", "anchore-system", "drydock-system", ADMIN_ACCOUNT})
_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9@.!#$+\-=^_`~;]{1,126}[a-zA-Z0-9]$")
MAX_PASSWORD_LENGTH = 128


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the authenticated user and the account it belongs to."""

    username: str
    account_name: str
    account_type: str
    account_state: str

    @property
    def is_admin(self) -> bool:
        return self.account_type in (AccountType.ADMIN, AccountType.SERVICE)


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise BadRequest(
            f"Invalid {kind} name '{name}': 3-128 characters, letters, digits and @.!#$+-=^_`~; "
            "starting and ending with a letter or digit"
        )


def _check_password(password: str) -> None:
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH:
        raise BadRequest(f"Password must be a non-empty string of at most {MAX_PASSWORD_LENGTH} characters")


# --- accounts -----------------------------------------------------------------------------


def get_account(session: Session, name: str) -> Account:
    account = session.get(Account, name)
    if account is None:
        raise NotFound(f"Account {name} not found")
    return account


def list_accounts(session: Session, *, state: str | None = None) -> list[Account]:
    stmt = select(Account).order_by(Account.name)
    if state:
        if state not in {s.value for s in AccountState}:
            raise BadRequest(f"Invalid account state '{state}'")
        stmt = stmt.where(Account.state == state)
    return list(session.scalars(stmt))


def create_account(
    session: Session, *, name: str, email: str | None = None, type: str = AccountType.USER.value
) -> Account:
    _check_name("account", name)
    if name in RESERVED_ACCOUNT_NAMES:
        raise BadRequest(f"Account name '{name}' is reserved")
    if type != AccountType.USER.value:
        raise BadRequest("Only accounts of type 'user' can be created")
    if session.get(Account, name) is not None:
        raise BadRequest("Account already exists", {"account": name})
    account = Account(name=name, email=email, type=type, state=AccountState.ENABLED.value)
    session.add(account)
    session.flush()
    return account


def set_account_state(session: Session, *, name: str, state: str) -> Account:
    account = get_account(session, name)
    if state not in (AccountState.ENABLED.value, AccountState.DISABLED.value):
        raise BadRequest(f"Invalid account state '{state}': must be enabled or disabled")
    if account.type in (AccountType.ADMIN.value, AccountType.SERVICE.value):
        raise BadRequest(f"Cannot change the state of {account.type} account '{name}'")
    if account.state == AccountState.DELETING.value:
        raise BadRequest(f"Account '{name}' is being deleted; its state cannot change")
    account.state = state
    account.last_updated = utcnow()
    return account


def delete_account(session: Session, *, name: str) -> Account:
    """Mark the account for deletion and remove its users now (so nobody can log in to it);
    the account cleanup task removes its data and finally the row."""
    account = get_account(session, name)
    if account.type in (AccountType.ADMIN.value, AccountType.SERVICE.value):
        raise BadRequest(f"Cannot delete {account.type} account '{name}'")
    if account.state == AccountState.ENABLED.value:
        raise BadRequest(
            "Invalid account state change requested. Cannot go from state enabled to state deleting; "
            "disable the account first"
        )
    account.state = AccountState.DELETING.value
    account.last_updated = utcnow()
    for user in list(account.users):
        session.delete(user)
    return account


# What must go when an account goes (images, policies, role memberships, ...), one per service.
AccountPurger = Callable[[Session, str], None]


def purge_deleting_accounts(
    session: Session, *, purgers: Sequence[AccountPurger], limit: int = 10
) -> list[str]:
    """Remove the data of accounts in state ``deleting`` (through each service's purger) and
    then the accounts themselves."""
    names = list(
        session.scalars(select(Account.name).where(Account.state == AccountState.DELETING.value).limit(limit))
    )
    for name in names:
        for purge in purgers:
            purge(session, name)
        account = session.get(Account, name)
        if account is not None:
            session.delete(account)
        log.info("account deleted", extra={"account": name})
    return names


# --- users and credentials ----------------------------------------------------------------


def get_user(session: Session, *, account_name: str, username: str) -> User:
    user = session.get(User, username)
    if user is None or user.account_name != account_name:
        raise NotFound(f"User {username} not found in account {account_name}")
    return user


def list_users(session: Session, *, account_name: str) -> list[User]:
    get_account(session, account_name)
    return list(
        session.scalars(select(User).where(User.account_name == account_name).order_by(User.username))
    )


def create_user(
    session: Session,
    *,
    account_name: str,
    username: str,
    password: str,
    user_type: str = UserType.NATIVE.value,
) -> User:
    account = get_account(session, account_name)
    if account.state == AccountState.DELETING.value:
        raise BadRequest(f"Account '{account_name}' is being deleted")
    _check_name("user", username)
    _check_password(password)
    if session.get(User, username) is not None:
        raise BadRequest("User already exists", {"username": username})
    user = User(username=username, account_name=account_name, type=user_type)
    session.add(user)
    session.flush()
    session.add(Credential(username=username, type="password", value=hash_password(password)))
    session.flush()
    return user


def delete_user(session: Session, *, account_name: str, username: str, acting_username: str) -> None:
    user = get_user(session, account_name=account_name, username=username)
    if username == acting_username:
        raise BadRequest("Cannot delete the user making the request")
    account = get_account(session, account_name)
    if account.type == AccountType.ADMIN.value:
        remaining = session.scalars(
            select(User.username).where(User.account_name == account_name, User.username != username)
        ).first()
        if remaining is None:
            raise BadRequest("Cannot delete the last user of the admin account")
    session.delete(user)


def list_credentials(session: Session, *, account_name: str, username: str) -> list[Credential]:
    return list(get_user(session, account_name=account_name, username=username).credentials)


def set_password(session: Session, *, account_name: str, username: str, password: str) -> Credential:
    user = get_user(session, account_name=account_name, username=username)
    _check_password(password)
    cred = session.get(Credential, (username, "password"))
    if cred is None:
        cred = Credential(username=username, type="password", value=hash_password(password))
        session.add(cred)
    else:
        cred.value = hash_password(password)
        cred.created_at = utcnow()
    user.last_updated = utcnow()
    session.flush()
    return cred


def delete_credential(session: Session, *, account_name: str, username: str, credential_type: str) -> None:
    get_user(session, account_name=account_name, username=username)
    cred = session.get(Credential, (username, credential_type))
    if cred is None:
        raise NotFound(f"Credential of type {credential_type} not found for user {username}")
    session.delete(cred)


# --- authentication and bootstrap ---------------------------------------------------------


def authenticate(session: Session, *, username: str, password: str) -> Principal | None:
    """The principal for valid credentials of an existing user, else None. Account state is
    not checked here: a disabled account authenticates but is refused by authorization (403),
    as the reference does."""
    row = session.execute(
        select(Credential.value, Account.name, Account.type, Account.state)
        .join(User, User.username == Credential.username)
        .join(Account, Account.name == User.account_name)
        .where(Credential.username == username, Credential.type == "password")
    ).first()
    if row is None or not verify_password(row[0], password):
        return None
    return Principal(username=username, account_name=row[1], account_type=row[2], account_state=row[3])


def principal_for(session: Session, *, username: str) -> Principal | None:
    """The principal of an existing user (for bearer tokens, whose signature proved identity)."""
    row = session.execute(
        select(Account.name, Account.type, Account.state)
        .join(User, User.account_name == Account.name)
        .where(User.username == username)
    ).first()
    if row is None:
        return None
    return Principal(username=username, account_name=row[0], account_type=row[1], account_state=row[2])


def bootstrap_admin(session: Session, *, password: str | None, email: str | None) -> str | None:
    """Create the admin account and user on first start. Returns the generated password when
    none was configured (the caller prints it once), else None."""
    if session.get(Account, ADMIN_ACCOUNT) is not None:
        return None
    session.add(
        Account(
            name=ADMIN_ACCOUNT, type=AccountType.ADMIN.value, state=AccountState.ENABLED.value, email=email
        )
    )
    session.flush()
    generated = None
    if not password:
        password = generated = random_password()
    session.add(User(username=ADMIN_ACCOUNT, account_name=ADMIN_ACCOUNT, type=UserType.NATIVE.value))
    session.flush()
    session.add(Credential(username=ADMIN_ACCOUNT, type="password", value=hash_password(password)))
    session.flush()
    return generated

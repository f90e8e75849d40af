"""Typed request dependencies: the database session, the caller, and the authorized context.

Every External API operation takes ``Authorized(Action.X)`` (or a variant naming where its
account comes from), so the action is declared on the route itself and the authorizer is
consulted before the handler runs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from drydock.accounts import service as accounts
from drydock.accounts.models import Account
from drydock.accounts.service import Principal
from drydock.core.errors import NotFound, Unauthorized
from drydock.core.security import decode_token
from drydock.rbac import service as rbac
from drydock.rbac.permissions import Action
from drydock.runtime.context import Runtime

ACCOUNT_HEADER = "x-anchore-account"
WWW_AUTHENTICATE = {"WWW-Authenticate": 'basic realm="Authentication required"'}


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.db.session() as session:
        yield session


# "function" scope: the transaction commits before the response is sent. FastAPI's default
# ends a yield dependency only after the response went out, so a client could read a 200, send
# its next request and not see its own write yet (or get a 200 for a commit that then failed).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class AuthenticationFailed(Unauthorized):
    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)


def parse_authorization(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            username, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed("Malformed basic authorization header") from None
        if not sep:
            raise AuthenticationFailed("Malformed basic authorization header")
        return "basic", f"{username}\0{password}"
    if scheme.lower() == "bearer" and value:
        return "bearer", value
    raise AuthenticationFailed("Unsupported authorization scheme")


def authenticate_request(request: Request, runtime: Runtime, session: Session) -> Principal:
    """The caller, from HTTP Basic (password or API key as the password), a bearer JWT from
    /oauth/token, or an API key as the bearer token. Failed passwords are throttled."""
    creds = parse_authorization(request)
    if creds is None:
        raise AuthenticationFailed("Authentication required")
    kind, value = creds
    principal: Principal | None = None
    if kind == "basic":
        username, password = value.split("\0", 1)
        client = request.client.host if request.client else "-"
        runtime.throttle.check(username, client)
        if password.startswith(rbac.API_KEY_PREFIX):
            owner = rbac.authenticate_api_key(session, password)
            if owner == username:
                principal = accounts.principal_for(session, username=owner)
        else:
            principal = accounts.authenticate(session, username=username, password=password)
        if principal is None:
            runtime.throttle.failed(username, client)
        else:
            runtime.throttle.succeeded(username, client)
    elif value.startswith(rbac.API_KEY_PREFIX):
        owner = rbac.authenticate_api_key(session, value)
        principal = accounts.principal_for(session, username=owner) if owner else None
    else:
        claims = decode_token(runtime.token_secret, value)
        principal = accounts.principal_for(session, username=claims["sub"]) if claims else None
    if principal is None:
        raise AuthenticationFailed("Invalid credentials")
    return principal


def get_principal(request: Request, runtime: RuntimeDep, session: SessionDep) -> Principal:
    principal = authenticate_request(request, runtime, session)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The caller and the account the request acts in."""

    principal: Principal
    account: str
    action: Action


def _authorized(action: Action, account_from: Callable[[Request, Principal], str]) -> Any:
    def dependency(
        request: Request, principal: PrincipalDep, session: SessionDep, runtime: RuntimeDep
    ) -> RequestContext:
        account = account_from(request, principal)
        runtime.authorizer.authorize(
            session, principal, action, account, method=request.method, path=request.url.path
        )
        if account != principal.account_name and session.get(Account, account) is None:
            raise NotFound(f"Account {account} not found")
        return RequestContext(principal=principal, account=account, action=action)

    dependency.action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    return Depends(dependency)


def _header_account(request: Request, principal: Principal) -> str:
    return request.headers.get(ACCOUNT_HEADER) or principal.account_name


def _path_account(request: Request, principal: Principal) -> str:
    return request.path_params["accountname"]


def Authorized(action: Action) -> Any:
    """Acting in the caller's account, or the one named by ``x-anchore-account``."""
    return _authorized(action, _header_account)


def AuthorizedForPathAccount(action: Action) -> Any:
    """Acting in the account named by the ``{accountname}`` path parameter."""
    return _authorized(action, _path_account)

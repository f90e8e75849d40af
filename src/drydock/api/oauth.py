"""``POST /oauth/token``: bearer tokens for a user's password (OAuth2 password grant), as
anchore-cli and Anchore's UI obtain them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request

from drydock.accounts import service as accounts
from drydock.api.deps import AuthenticationFailed, RuntimeDep, SessionDep, parse_authorization
from drydock.core.errors import BadRequest
from drydock.core.security import issue_token

router = APIRouter(tags=["Identity"])


@router.post("/oauth/token")
def token(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    grant_type: Annotated[str | None, Form()] = None,
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    if grant_type not in (None, "password"):
        raise BadRequest(f"Unsupported grant_type '{grant_type}'; only 'password' is supported")
    if username is None or password is None:
        creds = parse_authorization(request)  # an empty form may carry Basic credentials instead
        if creds is None or creds[0] != "basic":
            raise BadRequest("username and password are required")
        username, password = creds[1].split("\0", 1)
    client = request.client.host if request.client else "-"
    runtime.throttle.check(username, client)
    principal = accounts.authenticate(session, username=username, password=password)
    if principal is None:
        runtime.throttle.failed(username, client)
        raise AuthenticationFailed("Invalid credentials")
    runtime.throttle.succeeded(username, client)
    expires = runtime.settings.auth.token_expiration_seconds
    access = issue_token(runtime.token_secret, principal.username, expires, acct=principal.account_name)
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": expires,
        "client_id": client_id or "anonymous",
    }

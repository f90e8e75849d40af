"""Account, user and credential routes (Anchore v1: /accounts..., /account, /user...)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from drydock.accounts import service
from drydock.accounts.schemas import (
    AccessCredential,
    AccountCreationRequest,
    AccountStatus,
    UserCreationRequest,
    account_out,
    credential_out,
    user_out,
)
from drydock.api.deps import Authorized, AuthorizedForPathAccount, RequestContext, RuntimeDep, SessionDep
from drydock.core.errors import BadRequest
from drydock.rbac import service as rbac
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Identity"])


@router.get("/accounts")
def list_accounts(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_ACCOUNTS)],
    state: str | None = None,
) -> list[dict[str, Any]]:
    return [account_out(a) for a in service.list_accounts(session, state=state)]


@router.post("/accounts")
def create_account(
    body: AccountCreationRequest,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_ACCOUNT)],
) -> dict[str, Any]:
    return account_out(service.create_account(session, name=body.name, email=body.email, type=body.type))


@router.get("/accounts/{accountname}")
def get_account(
    accountname: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.GET_ACCOUNT)],
) -> dict[str, Any]:
    return account_out(service.get_account(session, accountname))


@router.delete("/accounts/{accountname}")
def delete_account(
    accountname: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.DELETE_ACCOUNT)],
) -> dict[str, Any]:
    if accountname == ctx.principal.account_name:
        raise BadRequest("Cannot delete the account of the user making the request")
    return {"state": service.delete_account(session, name=accountname).state}


@router.put("/accounts/{accountname}/state")
def update_account_state(
    accountname: str,
    body: AccountStatus,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.UPDATE_ACCOUNT)],
) -> dict[str, Any]:
    if accountname == ctx.principal.account_name:
        raise BadRequest("Cannot change the state of the account of the user making the request")
    return {"state": service.set_account_state(session, name=accountname, state=body.state).state}


@router.get("/accounts/{accountname}/users")
def list_users(
    accountname: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.LIST_USERS)],
) -> list[dict[str, Any]]:
    return [user_out(u) for u in service.list_users(session, account_name=accountname)]


@router.post("/accounts/{accountname}/users")
def create_user(
    accountname: str,
    body: UserCreationRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.CREATE_USER)],
) -> dict[str, Any]:
    user = service.create_user(
        session, account_name=accountname, username=body.username, password=body.password
    )
    default_role = runtime.settings.rbac.default_user_role
    if default_role:
        rbac.add_member(session, role=default_role, username=user.username, for_account=accountname)
    return user_out(user)


@router.get("/accounts/{accountname}/users/{username}")
def get_user(
    accountname: str,
    username: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.GET_USER)],
) -> dict[str, Any]:
    return user_out(service.get_user(session, account_name=accountname, username=username))


@router.delete("/accounts/{accountname}/users/{username}", status_code=204)
def delete_user(
    accountname: str,
    username: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.DELETE_USER)],
) -> Response:
    service.delete_user(
        session, account_name=accountname, username=username, acting_username=ctx.principal.username
    )
    rbac.forget_user(session, username)
    session.commit()
    runtime.authorizer.invalidate()
    return Response(status_code=204)


@router.get("/accounts/{accountname}/users/{username}/credentials")
def list_user_credentials(
    accountname: str,
    username: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.GET_USER)],
) -> list[dict[str, Any]]:
    return [
        credential_out(c)
        for c in service.list_credentials(session, account_name=accountname, username=username)
    ]


@router.post("/accounts/{accountname}/users/{username}/credentials")
def create_user_credential(
    accountname: str,
    username: str,
    body: AccessCredential,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.UPDATE_USER)],
) -> dict[str, Any]:
    _password_only(body)
    return credential_out(
        service.set_password(session, account_name=accountname, username=username, password=body.value)
    )


@router.delete("/accounts/{accountname}/users/{username}/credentials", status_code=204)
def delete_user_credential(
    accountname: str,
    username: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, AuthorizedForPathAccount(Action.UPDATE_USER)],
    credential_type: Annotated[str, Query()] = "password",
) -> Response:
    service.delete_credential(
        session, account_name=accountname, username=username, credential_type=credential_type
    )
    return Response(status_code=204)


@router.get("/account")
def get_my_account(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    return account_out(service.get_account(session, ctx.principal.account_name))


@router.get("/user")
def get_my_user(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    p = ctx.principal
    return user_out(service.get_user(session, account_name=p.account_name, username=p.username))


@router.get("/user/credentials")
def get_my_credentials(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> list[dict[str, Any]]:
    p = ctx.principal
    return [
        credential_out(c)
        for c in service.list_credentials(session, account_name=p.account_name, username=p.username)
    ]


@router.post("/user/credentials")
def update_my_credentials(
    body: AccessCredential,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)],
) -> dict[str, Any]:
    _password_only(body)
    p = ctx.principal
    return credential_out(
        service.set_password(session, account_name=p.account_name, username=p.username, password=body.value)
    )


def _password_only(body: AccessCredential) -> None:
    if body.type != "password":
        raise BadRequest(f"Unsupported credential type '{body.type}'; only 'password' is supported")

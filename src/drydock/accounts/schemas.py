"""Request bodies and response shapes of the account/user API (Anchore v1 names)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from drydock.accounts.models import Account, Credential, User
from drydock.core.timeutil import iso_z


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountCreationRequest(_Strict):
    name: str = Field(min_length=1, max_length=128)
    email: str | None = Field(default=None, max_length=320)
    type: str = "user"


class AccountStatus(_Strict):
    state: str


class UserCreationRequest(_Strict):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=128)


class AccessCredential(_Strict):
    type: str = "password"
    value: str = Field(min_length=1, max_length=128)


def account_out(a: Account) -> dict[str, Any]:
    return {
        "name": a.name,
        "email": a.email,
        "state": a.state,
        "type": a.type,
        "created_at": iso_z(a.created_at),
        "last_updated": iso_z(a.last_updated),
    }


def user_out(u: User) -> dict[str, Any]:
    return {
        "username": u.username,
        "type": u.type,
        "source": u.source,
        "created_at": iso_z(u.created_at),
        "last_updated": iso_z(u.last_updated),
    }


def credential_out(c: Credential) -> dict[str, Any]:
    return {"type": c.type, "value": "*" * 8, "created_at": iso_z(c.created_at)}

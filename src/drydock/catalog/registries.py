"""Registry credentials per account. Passwords are encrypted at rest (Fernet, with a key every
process of the deployment shares) and never returned by the API."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from drydock.catalog.models import RegistryRecord
from drydock.core.errors import BadRequest, NotFound
from drydock.core.timeutil import iso_z

REGISTRY_TYPES = ("docker_v2", "awsecr")


class CredentialCipher:
    """Encrypts registry passwords; the key is derived from a deployment-wide secret."""

    def __init__(self, secret: str) -> None:
        key = base64.urlsafe_b64encode(
            hashlib.sha256(b"drydock-registry-credentials:" + secret.encode()).digest()
        )
        self._fernet = Fernet(key)

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise BadRequest(
                "stored registry credentials cannot be decrypted with this deployment's key"
            ) from None


def normalize_registry(value: str) -> str:
    """``https://Reg.example:5000/`` → ``reg.example:5000`` (host[:port][/path], lower-case host)."""
    v = value.strip()
    for scheme in ("https://", "http://"):
        if v.lower().startswith(scheme):
            v = v[len(scheme) :]
    v = v.rstrip("/")
    if not v or " " in v:
        raise BadRequest(f"invalid registry '{value}'")
    host, _, path = v.partition("/")
    return host.lower() + (f"/{path}" if path else "")


def get_registry(session: Session, *, account: str, registry: str) -> RegistryRecord:
    record = session.get(RegistryRecord, (account, normalize_registry(registry)))
    if record is None:
        raise NotFound(f"Registry {registry} not found")
    return record


def list_registries(session: Session, *, account: str) -> list[RegistryRecord]:
    return list(
        session.scalars(
            select(RegistryRecord)
            .where(RegistryRecord.account == account)
            .order_by(RegistryRecord.registry_host)
        )
    )


def upsert_registry(
    session: Session,
    *,
    account: str,
    cipher: CredentialCipher,
    registry: str,
    registry_user: str | None,
    registry_pass: str | None,
    registry_type: str = "docker_v2",
    registry_name: str | None = None,
    registry_verify: bool = True,
    create: bool,
) -> RegistryRecord:
    name = normalize_registry(registry)
    if registry_type not in REGISTRY_TYPES:
        raise BadRequest(f"registry_type must be one of {', '.join(REGISTRY_TYPES)}")
    record = session.get(RegistryRecord, (account, name))
    if create and record is not None:
        raise BadRequest(f"registry already exists in DB: {name}")
    if not create and record is None:
        raise NotFound(f"Registry {registry} not found")
    if record is None:
        record = RegistryRecord(account=account, registry_host=name)
        session.add(record)
    record.registry_user = registry_user
    record.registry_pass_encrypted = cipher.encrypt(registry_pass) if registry_pass else None
    record.registry_type = registry_type
    record.registry_name = registry_name or name
    record.registry_verify = registry_verify
    session.flush()
    return record


def delete_registry(session: Session, *, account: str, registry: str) -> None:
    session.delete(get_registry(session, account=account, registry=registry))


def delete_account_registries(session: Session, account: str) -> None:
    session.execute(delete(RegistryRecord).where(RegistryRecord.account == account))


def credentials_for(
    session: Session, *, account: str, cipher: CredentialCipher, registry: str, repository: str | None = None
) -> tuple[tuple[str, str] | None, bool]:
    """(username, password) to use for ``registry`` (longest matching ``host[/path]`` record
    wins, so per-repository credentials are possible) and whether to verify TLS."""
    best: RegistryRecord | None = None
    target = f"{registry}/{repository}" if repository else registry
    for record in list_registries(session, account=account):
        matches = target == record.registry_host or target.startswith(record.registry_host + "/")
        if matches and (best is None or len(record.registry_host) > len(best.registry_host)):
            best = record
    if best is None:
        return None, True
    if best.registry_user and best.registry_pass_encrypted:
        return (best.registry_user, cipher.decrypt(best.registry_pass_encrypted)), best.registry_verify
    return None, best.registry_verify


def registry_out(r: RegistryRecord) -> dict[str, Any]:
    return {
        "registry": r.registry_host,
        "registry_name": r.registry_name,
        "registry_user": r.registry_user,
        "registry_type": r.registry_type,
        "registry_verify": r.registry_verify,
        "userId": r.account,
        "created_at": iso_z(r.created_at),
        "last_updated": iso_z(r.last_updated),
    }

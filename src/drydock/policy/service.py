"""Bundle storage per account (exactly one active) and evaluation history."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drydock.accounts.models import Account
from drydock.catalog import events
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest, DrydockError, NotFound
from drydock.policy.bundle import Bundle
from drydock.policy.models import PolicyBundleRecord, PolicyEvaluationRecord
from drydock.policy.spec import default_bundle
from drydock.policy.validation import BundleInvalid, compile_bundle


class ActiveBundleError(DrydockError):
    """Deleting or deactivating the active bundle (500, as the reference)."""

    status_code = 500


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def validated(doc: Any) -> Bundle:
    try:
        return compile_bundle(doc)
    except BundleInvalid as exc:
        raise BadRequest("Bundle failed validation", {"validation_details": exc.details}) from None


def bundle_digest(doc: dict[str, Any]) -> str:
    return hashlib.md5(json.dumps(doc, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def ensure_default(session: Session, account: str) -> None:
    """Install the default bundle, active, for an account that has no bundle yet."""
    if session.scalar(
        select(PolicyBundleRecord.policy_id).where(PolicyBundleRecord.account == account).limit(1)
    ):
        return
    doc = default_bundle()
    try:
        with session.begin_nested():  # a concurrent first request may install it first
            session.add(
                PolicyBundleRecord(
                    account=account,
                    policy_id=doc["id"],
                    name=doc.get("name"),
                    description=doc.get("comment"),
                    active=True,
                    bundle=doc,
                )
            )
    except IntegrityError:
        pass


def list_bundles(session: Session, account: str) -> list[PolicyBundleRecord]:
    ensure_default(session, account)
    return list(
        session.scalars(
            select(PolicyBundleRecord)
            .where(PolicyBundleRecord.account == account)
            .order_by(PolicyBundleRecord.created_at)
        )
    )


def get_bundle(session: Session, account: str, policy_id: str) -> PolicyBundleRecord:
    ensure_default(session, account)
    record = session.get(PolicyBundleRecord, (account, policy_id))
    if record is None:
        raise NotFound(f"Policy bundle {policy_id} not found in DB")
    return record


def active_bundle(session: Session, account: str) -> PolicyBundleRecord | None:
    ensure_default(session, account)
    return session.scalars(
        select(PolicyBundleRecord).where(
            PolicyBundleRecord.account == account, PolicyBundleRecord.active.is_(True)
        )
    ).first()


def add_bundle(session: Session, account: str, doc: Any) -> PolicyBundleRecord:
    """Store a validated bundle, inactive; the id defaults to md5(account:name). Posting an
    existing id replaces its content and keeps its activation."""
    if isinstance(doc, dict) and not doc.get("id") and isinstance(doc.get("name"), str):
        doc = {
            **doc,
            "id": hashlib.md5(f"{account}:{doc['name']}".encode(), usedforsecurity=False).hexdigest(),
        }
    validated(doc)
    ensure_default(session, account)
    record = session.get(PolicyBundleRecord, (account, doc["id"]))
    if record is None:
        record = PolicyBundleRecord(account=account, policy_id=doc["id"], active=False)
        session.add(record)
    record.bundle, record.name, record.description = doc, doc.get("name"), doc.get("comment")
    session.flush()
    return record


def activate(session: Session, account: str, record: PolicyBundleRecord) -> None:
    if record.active:
        return
    session.execute(
        update(PolicyBundleRecord)
        .where(PolicyBundleRecord.account == account, PolicyBundleRecord.active.is_(True))
        .values(active=False, last_updated=utcnow())
    )
    record.active = True
    session.flush()
    events.add_event(
        session,
        account=account,
        type="user.policy.active.updated",
        resource_id=record.policy_id,
        details={"policyId": record.policy_id},
        source="policy_engine",
    )


def update_bundle(
    session: Session, account: str, policy_id: str, body: dict[str, Any], active: bool | None
) -> PolicyBundleRecord:
    """PUT: new content (``policybundle``) and/or activation (``?active=`` or the body's
    ``active``). The active bundle cannot be deactivated — activate another instead."""
    record = get_bundle(session, account, policy_id)
    if body.get("policyId", policy_id) != policy_id:
        raise BadRequest("policyId in body does not match the policy id in the route")
    new_doc = body.get("policybundle")
    if new_doc:
        if new_doc.get("id", policy_id) != policy_id:
            raise BadRequest("policybundle.id does not match the policy id in the route")
        validated({**new_doc, "id": policy_id})
        record.bundle = {**new_doc, "id": policy_id}
        record.name, record.description = new_doc.get("name"), new_doc.get("comment")
    want = active if active is not None else body.get("active")
    if want is True:
        activate(session, account, record)
    elif want is False and record.active:
        raise ActiveBundleError("Cannot deactivate the active policy bundle; activate another bundle instead")
    record.last_updated = utcnow()
    session.flush()
    return record


def delete_bundle(session: Session, account: str, policy_id: str) -> None:
    record = get_bundle(session, account, policy_id)
    if record.active:
        raise ActiveBundleError("Cannot delete the active policy bundle; activate another bundle first")
    session.delete(record)


def bundle_out(record: PolicyBundleRecord, detail: bool) -> dict[str, Any]:
    return {
        "policyId": record.policy_id,
        "active": record.active,
        "userId": record.account,
        "policy_source": record.policy_source,
        "name": record.name,
        "description": record.description,
        "policybundle": record.bundle if detail else {},
        "created_at": iso(record.created_at),
        "last_updated": iso(record.last_updated),
    }


def eval_id(policy_id: str, account: str, digest: str, tag: str, final_action: str) -> str:
    return hashlib.md5(
        f"{policy_id}:{account}:{digest}:{tag}:{final_action.upper()}".encode(), usedforsecurity=False
    ).hexdigest()


def store_evaluation(
    session: Session,
    account: str,
    digest: str,
    tag: str,
    record: PolicyBundleRecord,
    result: dict[str, Any],
    feed_generation: int,
) -> PolicyEvaluationRecord:
    action = result["final_action"]
    status = "pass" if action in ("go", "warn") else "fail"
    doc = {**result, "image_digest": digest, "status": status}
    eid = eval_id(record.policy_id, account, digest, tag, action)
    row = session.get(PolicyEvaluationRecord, (account, eid))
    now = utcnow()
    if row is None:
        row = PolicyEvaluationRecord(
            account=account,
            eval_id=eid,
            image_digest=digest,
            tag=tag,
            policy_id=record.policy_id,
            created_at=now,
        )
        session.add(row)
    row.final_action, row.status, row.result = action.upper(), status, doc
    row.feed_generation, row.bundle_digest, row.last_evaluation = (
        feed_generation,
        bundle_digest(record.bundle),
        now,
    )
    session.flush()
    return row


def history(session: Session, account: str, digest: str, tag: str) -> list[PolicyEvaluationRecord]:
    """Stored outcomes for a tag, newest evaluation first."""
    return list(
        session.scalars(
            select(PolicyEvaluationRecord)
            .where(
                PolicyEvaluationRecord.account == account,
                PolicyEvaluationRecord.image_digest == digest,
                PolicyEvaluationRecord.tag == tag,
            )
            .order_by(PolicyEvaluationRecord.last_evaluation.desc())
        )
    )


def latest_for_tag(session: Session, account: str, tag: str) -> PolicyEvaluationRecord | None:
    return session.scalars(
        select(PolicyEvaluationRecord)
        .where(PolicyEvaluationRecord.account == account, PolicyEvaluationRecord.tag == tag)
        .order_by(PolicyEvaluationRecord.last_evaluation.desc())
    ).first()


def evaluation_out(row: PolicyEvaluationRecord, bundle: dict[str, Any], detail: bool) -> dict[str, Any]:
    return {
        "status": row.status,
        "policyId": row.policy_id,
        "last_evaluation": iso(row.last_evaluation),
        "detail": {"result": row.result, "policy": bundle} if detail else {},
    }


def purge_deleted_accounts(session: Session) -> int:
    """Delete the bundles and evaluations of accounts that no longer exist (the account purge
    removes the account row; policy data follows on the next run). Returns rows deleted."""
    known = select(Account.name)
    deleted = 0
    for model in (PolicyEvaluationRecord, PolicyBundleRecord):
        deleted += session.execute(delete(model).where(model.account.not_in(known))).rowcount or 0
    return deleted

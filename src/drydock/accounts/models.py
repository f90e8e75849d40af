"""Accounts own users; users own credentials (engine tables, as in the reference)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drydock.core.db import Base, utcnow


class AccountType(StrEnum):
    ADMIN = "admin"
    USER = "user"
    SERVICE = "service"


class AccountState(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    DELETING = "deleting"


class UserType(StrEnum):
    NATIVE = "native"
    INTERNAL = "internal"
    EXTERNAL = "external"


class Account(Base):
    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), default=AccountType.USER.value)
    state: Mapped[str] = mapped_column(String(16), default=AccountState.ENABLED.value, index=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="account", cascade="all, delete-orphan")


class User(Base):
    __tablename__ = "account_users"

    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_name: Mapped[str] = mapped_column(ForeignKey("accounts.name", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(16), default=UserType.NATIVE.value)
    source: Mapped[str | None] = mapped_column(String(256), nullable=True)
    uuid: Mapped[str] = mapped_column(String(36), default=lambda: uuid.uuid4().hex)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship(back_populates="users")
    credentials: Mapped[list[Credential]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Credential(Base):
    __tablename__ = "user_access_credentials"

    username: Mapped[str] = mapped_column(
        ForeignKey("account_users.username", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(32), primary_key=True, default="password")
    value: Mapped[str] = mapped_column(String(512))  # Argon2id hash, never the password
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="credentials")

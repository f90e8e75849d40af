"""The document archive: large JSON documents (analysis results, manifests, SBOMs) kept out of
the catalog's rows, behind one driver interface.

Drivers: ``database`` (default; a table of the catalog), ``filesystem`` (files under a
directory), ``s3`` (any S3-compatible object store, through boto3). Documents are stored
zstd-compressed. The database driver works inside the caller's session, so archive writes
commit (or roll back) with the catalog change they belong to — and, on SQLite, a request
never opens a second connection.
"""

from __future__ import annotations

import os
import re
import shutil
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import zstandard
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from drydock.catalog.models import ArchiveDocument
from drydock.core.errors import NotFound

_SAFE = re.compile(r"^[A-Za-z0-9._:@+=-]{1,255}$")
_compressor = zstandard.ZstdCompressor(level=3)
_decompressor = zstandard.ZstdDecompressor()
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024 * 1024


def _check(*parts: str) -> None:
    """Accounts, buckets and keys become path segments and object keys: refuse anything
    that could climb out (``..``, ``/``) instead of trying to escape it."""
    for part in parts:
        if not _SAFE.match(part) or part in (".", ".."):
            raise ValueError(f"invalid archive name component {part!r}")


def compress(data: bytes) -> bytes:
    return _compressor.compress(data)


def decompress(blob: bytes) -> bytes:
    return _decompressor.decompress(blob, max_output_size=MAX_DOCUMENT_BYTES)


class ArchiveDriver(ABC):
    name: str

    @abstractmethod
    def put(self, session: Session, account: str, bucket: str, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get(self, session: Session, account: str, bucket: str, key: str) -> bytes:
        """Raises NotFound when absent."""

    @abstractmethod
    def delete(self, session: Session, account: str, bucket: str, key: str) -> None: ...

    @abstractmethod
    def delete_account(self, session: Session, account: str) -> None: ...


class DatabaseDriver(ArchiveDriver):
    name = "database"

    def put(self, session: Session, account: str, bucket: str, key: str, data: bytes) -> None:
        _check(account, bucket, key)
        blob = compress(data)
        doc = session.get(ArchiveDocument, (account, bucket, key))
        if doc is None:
            session.add(
                ArchiveDocument(account=account, bucket=bucket, key=key, content=blob, size=len(data))
            )
        else:
            doc.content, doc.size = blob, len(data)
        session.flush()

    def get(self, session: Session, account: str, bucket: str, key: str) -> bytes:
        _check(account, bucket, key)
        blob = session.scalar(
            select(ArchiveDocument.content).where(
                ArchiveDocument.account == account,
                ArchiveDocument.bucket == bucket,
                ArchiveDocument.key == key,
            )
        )
        if blob is None:
            raise NotFound(f"document {bucket}/{key} not found")
        return decompress(blob)

    def delete(self, session: Session, account: str, bucket: str, key: str) -> None:
        _check(account, bucket, key)
        session.execute(
            delete(ArchiveDocument).where(
                ArchiveDocument.account == account,
                ArchiveDocument.bucket == bucket,
                ArchiveDocument.key == key,
            )
        )

    def delete_account(self, session: Session, account: str) -> None:
        session.execute(delete(ArchiveDocument).where(ArchiveDocument.account == account))


class FilesystemDriver(ArchiveDriver):
    """Files at ``<root>/<account>/<bucket>/<key>.zst``, written atomically (temp + rename)."""

    name = "filesystem"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, account: str, bucket: str, key: str) -> Path:
        _check(account, bucket, key)
        return self.root / account / bucket / f"{key}.zst"

    def put(self, session: Session, account: str, bucket: str, key: str, data: bytes) -> None:
        path = self._path(account, bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(compress(data))
        os.replace(tmp, path)

    def get(self, session: Session, account: str, bucket: str, key: str) -> bytes:
        try:
            return decompress(self._path(account, bucket, key).read_bytes())
        except FileNotFoundError:
            raise NotFound(f"document {bucket}/{key} not found") from None

    def delete(self, session: Session, account: str, bucket: str, key: str) -> None:
        self._path(account, bucket, key).unlink(missing_ok=True)

    def delete_account(self, session: Session, account: str) -> None:
        _check(account)
        shutil.rmtree(self.root / account, ignore_errors=True)


class S3Driver(ArchiveDriver):
    """Objects ``<prefix><account>/<bucket>/<key>.zst`` in one S3 bucket (AWS, MinIO, Ceph …)."""

    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        create_bucket: bool = False,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._client_args: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
        }
        self._client: Any = None
        self._create_bucket = create_bucket

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                config=Config(
                    connect_timeout=10, read_timeout=60, retries={"max_attempts": 5, "mode": "standard"}
                ),
                **{k: v for k, v in self._client_args.items() if v is not None},
            )
            if self._create_bucket:
                try:
                    self._client.head_bucket(Bucket=self.bucket)
                except self._client.exceptions.ClientError:
                    self._client.create_bucket(Bucket=self.bucket)
        return self._client

    def _key(self, account: str, bucket: str, key: str) -> str:
        _check(account, bucket, key)
        return f"{self.prefix}{account}/{bucket}/{key}.zst"

    def put(self, session: Session, account: str, bucket: str, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(account, bucket, key), Body=compress(data))

    def get(self, session: Session, account: str, bucket: str, key: str) -> bytes:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(account, bucket, key))
        except self.client.exceptions.NoSuchKey:
            raise NotFound(f"document {bucket}/{key} not found") from None
        return decompress(obj["Body"].read())

    def delete(self, session: Session, account: str, bucket: str, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(account, bucket, key))

    def delete_account(self, session: Session, account: str) -> None:
        _check(account)
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}{account}/"):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})


def make_driver(config: dict[str, Any], data_dir: Path) -> ArchiveDriver:
    """Driver from the ``archive`` settings: ``{"driver": "database"|"filesystem"|"s3", ...}``."""
    kind = config.get("driver", "database")
    if kind == "database":
        return DatabaseDriver()
    if kind == "filesystem":
        return FilesystemDriver(config.get("path") or data_dir / "archive")
    if kind == "s3":
        keys = ("bucket", "prefix", "endpoint_url", "region", "access_key", "secret_key", "create_bucket")
        return S3Driver(**{k: config[k] for k in keys if config.get(k) is not None})
    raise ValueError(f"unknown archive driver {kind!r}: use database, filesystem or s3")

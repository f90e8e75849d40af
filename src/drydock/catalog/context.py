"""What the catalog needs beyond a session: the archive driver, the credential cipher and
the registry access settings — built once per process runtime."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

from drydock.analyzer.sources import open_source
from drydock.analyzer.sources.reference import ImageReference
from drydock.analyzer.sources.registry_client import RegistrySettings
from drydock.catalog import images, registries
from drydock.catalog.archive import ArchiveDriver, make_driver
from drydock.catalog.images import ANALYZE_QUEUE, AddRequest, Resolved, resolved_from_info
from drydock.catalog.models import CatalogImage
from drydock.catalog.registries import CredentialCipher
from drydock.runtime.context import Runtime
from drydock.runtime.registry import shared_secret

CREDENTIAL_KEY = "catalog.credential_key"
ANALYSIS_BUCKET = "analysis_data"
# The normalized content the policy engine reads (distro + packages, no file list): small enough
# to re-match every stored image when feed data changes without loading whole analyses.
PACKAGES_BUCKET = "image_packages"
PACKAGE_KEYS = ("schema", "source", "distro", "packages")


@dataclass
class CatalogContext:
    runtime: Runtime
    archive: ArchiveDriver
    cipher: CredentialCipher
    registry_settings: RegistrySettings

    @property
    def max_compressed_mb(self) -> float:
        return self.runtime.settings.catalog.max_compressed_image_size_mb

    def access(
        self, session: Session, account: str, ref: ImageReference
    ) -> tuple[tuple[str, str] | None, bool]:
        """(credentials, insecure) for pulling ``ref`` in ``account``."""
        creds, verify = registries.credentials_for(
            session, account=account, cipher=self.cipher, registry=ref.registry, repository=ref.repository
        )
        return creds, not verify

    def resolve(self, ref: ImageReference, credentials: tuple[str, str] | None, insecure: bool) -> Resolved:
        """Manifest, config and sizes of ``ref`` from its registry (network; no DB)."""
        source = open_source(
            str(ref), credentials=credentials, insecure=insecure, settings=self.registry_settings
        )
        try:
            return resolved_from_info(source.info())
        finally:
            source.close()

    def add_image(
        self,
        session: Session,
        account: str,
        request: AddRequest,
        resolved: Resolved,
        *,
        watch: bool,
        force: bool = False,
    ) -> CatalogImage:
        """``images.add_image`` with this deployment's size limit and analysis queue."""
        return images.add_image(
            session,
            account=account,
            request=request,
            resolved=resolved,
            force=force,
            autosubscribe=watch,
            max_compressed_mb=self.max_compressed_mb,
            enqueue=self.enqueue_analysis,
        )

    def enqueue_analysis(self, session: Session, account: str, digest: str) -> None:
        from drydock.queue import service as queue

        queue.enqueue(
            session,
            ANALYZE_QUEUE,
            {"account": account, "image_digest": digest},
            dedupe_key=f"{account}/{digest}",
        )

    def store_document(self, session: Session, account: str, digest: str, document: dict[str, Any]) -> None:
        """Store the analysis and, beside it, its normalized package content."""
        self.archive.put(session, account, ANALYSIS_BUCKET, _key(digest), json.dumps(document).encode())
        packages = {k: document[k] for k in PACKAGE_KEYS if k in document}
        self.archive.put(session, account, PACKAGES_BUCKET, _key(digest), json.dumps(packages).encode())

    def load_packages(self, session: Session, account: str, digest: str) -> dict[str, Any]:
        """The package content of an analyzed image (an analysis document without files)."""
        return json.loads(self.archive.get(session, account, PACKAGES_BUCKET, _key(digest)))

    def load_document(self, session: Session, account: str, digest: str) -> dict[str, Any]:
        return json.loads(self.archive.get(session, account, ANALYSIS_BUCKET, _key(digest)))

    def delete_documents(self, session: Session, account: str, digest: str) -> None:
        for bucket in (ANALYSIS_BUCKET, PACKAGES_BUCKET):
            self.archive.delete(session, account, bucket, _key(digest))


def _key(digest: str) -> str:
    return digest.replace(":", "_")


_contexts: WeakKeyDictionary[Runtime, CatalogContext] = WeakKeyDictionary()


def catalog_context(runtime: Runtime) -> CatalogContext:
    ctx = _contexts.get(runtime)
    if ctx is None:
        s = runtime.settings.catalog
        archive_cfg = s.archive.model_dump()
        if s.archive.secret_key is not None:
            archive_cfg["secret_key"] = s.archive.secret_key.get_secret_value()
        with runtime.db.session() as session:
            secret = shared_secret(session, CREDENTIAL_KEY)
        ctx = CatalogContext(
            runtime=runtime,
            archive=make_driver(archive_cfg, runtime.settings.data_dir),
            cipher=CredentialCipher(secret),
            registry_settings=RegistrySettings(
                connect_timeout=s.registry_connect_timeout,
                read_timeout=s.registry_read_timeout,
                retries=s.registry_retries,
            ),
        )
        _contexts[runtime] = ctx
    return ctx

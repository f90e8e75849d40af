"""The analyzer worker: takes analysis messages from the queue and turns catalog images from
``not_analyzed`` into ``analyzed`` (or ``analysis_failed`` with the reason).

Delivery is at-least-once, completion exactly-once: a worker leases a message, keeps the lease
alive while it works, and records the result *and* acknowledges the message in one
transaction, which fails if its lease was lost (``StaleReceipt``). A worker killed mid-way
never acknowledges; its lease expires and another worker analyzes the image again, and only
the one still holding a current lease can record the result.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import select

from drydock.analyzer.analyze import AnalysisError, analyze
from drydock.analyzer.config import AnalyzerConfig, DbUpdateConfig, MalwareConfig, MiB
from drydock.analyzer.document import to_document
from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sources import open_source
from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.reference import ImageReference
from drydock.catalog import events
from drydock.catalog.context import catalog_context
from drydock.catalog.images import ANALYZE_QUEUE
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageStatus, ImageTag
from drydock.core.config import MalwareSettings
from drydock.core.db import utcnow
from drydock.queue import service as queue
from drydock.queue.errors import StaleReceipt
from drydock.queue.schemas import Message
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 2.0


class LeaseKeeper(threading.Thread):
    """Extends the message lease and publishes progress while an analysis runs."""

    def __init__(self, runtime: Runtime, msg: Message, holder: str, account: str, digest: str) -> None:
        super().__init__(daemon=True, name=f"lease-{msg.id}")
        self.runtime, self.msg, self.holder = runtime, msg, holder
        self.account, self.digest = account, digest
        self.stop = threading.Event()
        self.lost = threading.Event()
        self.progress: dict[str, Any] = {"stage": "starting"}
        self._published: dict[str, Any] | None = None

    def run(self) -> None:
        lease_seconds = self.runtime.settings.analyzer.lease_seconds
        interval = min(PROGRESS_INTERVAL, lease_seconds / 3)
        last_extend = time.monotonic()
        while not self.stop.wait(interval):
            try:
                with self.runtime.db.session() as session:
                    if time.monotonic() - last_extend >= lease_seconds / 3:
                        queue.extend(session, self.msg.id, self.holder, self.msg.receipt or "", lease_seconds)
                        last_extend = time.monotonic()
                    if self.progress != self._published:
                        image = session.get(CatalogImage, (self.account, self.digest))
                        if image is not None:
                            image.progress = dict(self.progress)
                        self._published = dict(self.progress)
            except StaleReceipt:
                log.warning("analysis lease lost", extra={"digest": self.digest})
                self.lost.set()
                return
            except Exception:
                log.exception("lease keeper error", extra={"digest": self.digest})

    def on_progress(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        self.progress = {"stage": stage, "done": done, "total": total, "updated_at": time.time()}


def _start(runtime: Runtime, msg: Message) -> tuple[CatalogImage, list[ImageTag]] | None:
    """Mark the image analyzing; None when there is nothing to do (gone, deleting, done)."""
    account, digest = msg.payload.get("account"), msg.payload.get("image_digest")
    with runtime.db.session() as session:
        image = session.get(CatalogImage, (account, digest)) if account and digest else None
        if (
            image is None
            or image.image_status != ImageStatus.ACTIVE.value
            or image.analysis_status in (AnalysisStatus.ANALYZED.value, AnalysisStatus.FAILED.value)
        ):
            queue.ack(session, msg.id, msg.receipt or "")
            return None
        image.analysis_status = AnalysisStatus.ANALYZING.value
        image.analysis_started_at = utcnow()
        image.analysis_attempts += 1
        image.progress = {"stage": "queued-to-worker"}
        tags = list(
            session.scalars(
                select(ImageTag)
                .where(ImageTag.account == account, ImageTag.image_digest == digest)
                .order_by(ImageTag.tag_detected_at.desc())
            )
        )
        return image, tags


def _pull_source(runtime: Runtime, image: CatalogImage, tag: ImageTag) -> Any:
    cat = catalog_context(runtime)
    ref = ImageReference(tag.registry_host, tag.repo, tag.tag, image.image_digest)
    with runtime.db.session() as session:
        credentials, insecure = cat.access(session, image.account, ref)
    return open_source(str(ref), credentials=credentials, insecure=insecure, settings=cat.registry_settings)


def _analysis_config(runtime: Runtime, tag: ImageTag) -> AnalyzerConfig:
    import base64

    settings = runtime.settings.analyzer
    dockerfile = base64.b64decode(tag.dockerfile).decode("utf-8", "replace") if tag.dockerfile else None
    return AnalyzerConfig(
        workers=settings.layer_workers,
        scratch_dir=settings.scratch_dir,
        dockerfile=dockerfile,
        malware=malware_config(settings.malware, runtime.settings.data_dir),
        digest_algorithms=tuple(settings.file_digest_algorithms),
    )


def malware_config(settings: MalwareSettings, data_dir: Path) -> MalwareConfig | None:
    """The analyzer's ClamAV settings from the platform's (None when disabled); freshclam's
    config, lock and state go to ``<data_dir>/freshclam``."""
    if not settings.enabled:
        return None
    db_update = None
    if settings.db_update_enabled:
        db_update = DbUpdateConfig(
            state_dir=str(data_dir / "freshclam"),
            freshclam_path=settings.freshclam_path,
            interval_seconds=settings.db_update_interval_seconds,
            timeout_seconds=settings.db_update_timeout_seconds,
            private_mirrors=tuple(settings.private_mirrors),
            custom_urls=tuple(settings.database_custom_urls),
            exclude_databases=tuple(settings.exclude_databases),
            max_attempts=settings.db_update_max_attempts,
        )
    return MalwareConfig(
        database_dir=settings.database_dir,
        clamscan_path=settings.clamscan_path,
        max_file_bytes=int(settings.max_file_mb * MiB),
        max_total_bytes=int(settings.max_total_mb * MiB),
        timeout_seconds=settings.timeout_seconds,
        clamd_address=settings.clamd_address,
        db_update=db_update,
    )


def _finish(
    runtime: Runtime, msg: Message, image: CatalogImage, tags: list[ImageTag], analysis: ImageAnalysis
) -> None:
    cat = catalog_context(runtime)
    document = to_document(analysis)
    with runtime.db.session() as session:
        queue.ack(session, msg.id, msg.receipt or "")  # raises StaleReceipt first if the lease was lost
        row = session.get(CatalogImage, (image.account, image.image_digest))
        if row is None or row.image_status != ImageStatus.ACTIVE.value:
            return
        cat.store_document(session, image.account, image.image_digest, document)
        distro = analysis.distro
        row.analysis_status = AnalysisStatus.ANALYZED.value
        row.analyzed_at = utcnow()
        row.failure_reason = None
        row.progress = None
        row.distro = distro.id if distro else None
        row.distro_version = distro.version_id if distro else None
        row.dockerfile_mode = analysis.dockerfile_mode
        row.layer_count = len(analysis.source.get("layers") or []) or row.layer_count
        row.image_size = sum(f.size for f in analysis.files)
        for tag in tags:
            fulltag = f"{tag.registry_host}/{tag.repo}:{tag.tag}"
            events.add_event(
                session,
                account=image.account,
                type="user.image.analysis.completed",
                resource_id=fulltag,
                details={
                    "imageDigest": image.image_digest,
                    "analysis_status": row.analysis_status,
                    "annotations": row.annotations,
                    "packages": len(analysis.packages),
                },
                source="analyzer",
                hostid=runtime.hostid,
            )


def _fail(
    runtime: Runtime, msg: Message, image: CatalogImage, tags: list[ImageTag], reason: str, *, retry: bool
) -> None:
    """Record the failure; transient errors are retried by the queue while attempts remain."""
    with runtime.db.session() as session:
        row = session.get(CatalogImage, (image.account, image.image_digest))
        if retry and msg.attempts < msg.max_attempts:
            queue.fail(session, msg.id, msg.receipt or "", reason)
            if row is not None:
                row.analysis_status = AnalysisStatus.NOT_ANALYZED.value
                row.failure_reason = f"retrying after: {reason}"
                row.progress = None
            return
        queue.ack(session, msg.id, msg.receipt or "")
        if row is None:
            return
        row.analysis_status = AnalysisStatus.FAILED.value
        row.failure_reason = reason
        row.progress = None
        for tag in tags or [None]:
            events.add_event(
                session,
                account=image.account,
                type="user.image.analysis.failed",
                resource_id=f"{tag.registry_host}/{tag.repo}:{tag.tag}" if tag else image.image_digest,
                details={"imageDigest": image.image_digest, "error": reason},
                source="analyzer",
                hostid=runtime.hostid,
            )


def _stop_keeper(keeper: LeaseKeeper) -> None:
    """Stop and wait, so a progress write in flight cannot land after the final state."""
    keeper.stop.set()
    if keeper.is_alive():
        keeper.join()


def process(runtime: Runtime, msg: Message, holder: str) -> None:
    started = _start(runtime, msg)
    if started is None:
        return
    image, tags = started
    keeper = LeaseKeeper(runtime, msg, holder, image.account, image.image_digest)
    keeper.start()
    try:
        if not tags:
            raise AnalysisError("the image has no tag to pull it by")
        source = _pull_source(runtime, image, tags[0])
        try:
            analysis = analyze(source, _analysis_config(runtime, tags[0]), progress=keeper.on_progress)
        finally:
            source.close()
        _stop_keeper(keeper)
        if keeper.lost.is_set():
            return
        _finish(runtime, msg, image, tags, analysis)
        log.info("image analyzed", extra={"digest": image.image_digest, "packages": len(analysis.packages)})
    except StaleReceipt:
        log.warning(
            "analysis result discarded: lease lost to another worker", extra={"digest": image.image_digest}
        )
    except (AnalysisError, SourceError) as exc:
        _stop_keeper(keeper)
        _fail(runtime, msg, image, tags, str(exc), retry=False)
        log.warning("image analysis failed", extra={"digest": image.image_digest, "error": str(exc)})
    except Exception as exc:  # a bug or an environment problem: retry, keep the trace in the log
        _stop_keeper(keeper)
        log.error(
            "image analysis crashed", extra={"digest": image.image_digest, "trace": traceback.format_exc()}
        )
        _fail(runtime, msg, image, tags, f"internal error: {type(exc).__name__}: {exc}", retry=True)
    finally:
        _stop_keeper(keeper)


def preload_pool_modules() -> list[str]:
    """Each analysis reads layers and runs scanners in a new process pool; in a worker (a
    threaded process) its processes come from the forkserver, which imports nothing, so every
    one of them imported the analyzer again (httpx, the catalogers, the binary classifiers'
    regexes): ≈ 0.25 s of CPU per pool process, more than a small image's whole analysis.
    The forkserver now imports them once and its forks inherit them. Takes effect only if the
    forkserver has not started yet, i.e. before this process's first pool."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return []
    from drydock.analyzer import layerpool  # noqa: F401  (imports what the pool processes run)
    from drydock.analyzer.catalogers.base import import_all

    import_all()  # every cataloger module (the scanners the pool runs are among them)
    modules = ["__main__", *sorted(m for m in sys.modules if m.startswith("drydock.analyzer"))]
    multiprocessing.get_context("forkserver").set_forkserver_preload(modules)
    return modules


class AnalyzerWorker:
    """``concurrency`` threads, each leasing one message at a time."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings.analyzer
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        preload_pool_modules()
        for i in range(self.settings.concurrency):
            t = threading.Thread(
                target=self._loop, args=(f"{self.runtime.hostid}:{id(self)}:{i}",), daemon=True
            )
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def _loop(self, holder: str) -> None:
        while not self._stop.is_set():
            try:
                with self.runtime.db.session() as session:
                    msgs = queue.lease(
                        session, ANALYZE_QUEUE, holder, visibility_timeout=self.settings.lease_seconds
                    )
            except Exception:
                log.exception("cannot lease analysis work")
                msgs = []
            if not msgs:
                self._stop.wait(self.settings.poll_seconds)
                continue
            process(self.runtime, msgs[0], holder)

"""Settings of one analysis run.

Defaults follow Anchore's ``analyzer_config.yaml`` where Anchore has an equivalent (secret
regexes, the 10 000-byte secret-search limit, ``/etc/passwd`` as the retrieved file, owned
package filtering on), so a policy written for Anchore sees the same evidence. Everything here
is plain data: the config is pickled into the layer workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drydock.analyzer.catalogers.base import Cataloger, FileScanner

MiB = 1024 * 1024

# Anchore's default secret_search regexes (name=regex form), verbatim in meaning.
DEFAULT_SECRET_REGEXES: dict[str, str] = {
    "AWS_ACCESS_KEY": r"(?i).*aws_access_key_id( *=+ *).*(?<![A-Z0-9])[A-Z0-9]{20}(?![A-Z0-9]).*",
    "AWS_SECRET_KEY": (
        r"(?i).*aws_secret_access_key( *=+ *).*(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=]).*"
    ),
    "PRIV_KEY": r"(?i)-+BEGIN(.*)PRIVATE KEY-+",
    "DOCKER_AUTH": r'(?i).*"auth": *".+"',
    "API_KEY": r"(?i).*api(-|_)key( *=+ *).*(?<![A-Z0-9])[A-Z0-9]{20,60}(?![A-Z0-9]).*",
}


@dataclass(frozen=True, slots=True)
class DbUpdateConfig:
    """Refresh the signature database with ``freshclam`` before a scan when due
    (``MalwareConfig.db_update``; None = never, the database is kept current elsewhere).
    ``state_dir`` is Drydock's own (the freshclam.conf it writes, the host-wide lock, the time
    of the last attempt); ``interval_seconds`` keeps every analysis from hitting the mirror,
    which rate-limits. Without ``private_mirrors`` the official mirror is used;
    ``custom_urls`` are freshclam's ``DatabaseCustomURL`` (unsigned .ndb/.hdb/… files),
    ``exclude_databases`` its ``ExcludeDatabase`` (e.g. main, daily, bytecode for a custom-only
    database)."""

    state_dir: str
    freshclam_path: str = "freshclam"
    interval_seconds: float = 3600.0
    timeout_seconds: float = 600.0
    private_mirrors: tuple[str, ...] = ()
    custom_urls: tuple[str, ...] = ()
    exclude_databases: tuple[str, ...] = ()
    max_attempts: int = 3  # freshclam's MaxAttempts, per mirror (it waits 5 s between tries)


@dataclass(frozen=True, slots=True)
class MalwareConfig:
    """ClamAV scan of the final tree (``AnalyzerConfig.malware``; None = no scan). clamscan
    loads ``database_dir`` on every run (seconds with the official DB), so it runs once per
    analysis over the files spooled to the scratch dir; files above ``max_file_bytes`` and
    beyond ``max_total_bytes`` (path order) are left out and the scan is marked partial. With
    ``clamd_address`` the files are streamed to a running clamd (its own database, already
    loaded) and ``clamscan_path`` is not used; ``database_dir`` then only matters to
    ``db_update``, which must write clamd's DatabaseDirectory (clamd is told to RELOAD)."""

    database_dir: str
    clamscan_path: str = "clamscan"
    max_file_bytes: int = 64 * MiB
    max_total_bytes: int = 4096 * MiB
    timeout_seconds: float = 1800.0  # the clamscan run; with clamd, each file
    clamd_address: str | None = None  # unix socket or tcp://host:port: stream to clamd instead
    db_update: DbUpdateConfig | None = None  # freshclam before the scan when due


@dataclass(slots=True)
class AnalyzerConfig:
    """How to analyze an image.

    ``catalogers``/``scanners`` of None mean "every registered one"; a sequence means exactly
    those instances (embedding and tests pick their own). ``digest_algorithms`` empty turns
    file digests off (the largest CPU cost after decompression).
    """

    workers: int | None = None  # layer-reading processes; None = CPU count; 1 = in-process
    scratch_dir: str | None = None  # parent of the per-analysis scratch dir (spilled captures)
    max_file_bytes: int = 64 * MiB  # larger files are recorded but never captured or scanned
    spill_bytes: int = 1 * MiB  # captures larger than this go to the scratch dir, not memory
    max_layer_entries: int = 2_000_000  # tar bomb guard: more members fail the layer
    digest_algorithms: tuple[str, ...] = ("sha256",)
    retrieve_files: tuple[str, ...] = ("/etc/passwd",)
    retrieve_max_bytes: int = 1000 * 1024
    secret_regexes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SECRET_REGEXES))
    secret_max_bytes: int = 10_000
    content_regexes: dict[str, str] = field(default_factory=dict)
    content_max_bytes: int = 10_000
    enable_owned_package_filtering: bool = True
    dockerfile: str | None = None  # supplied by the user → dockerfile_mode "Actual"
    catalogers: Sequence[Cataloger] | None = None
    scanners: Sequence[FileScanner] | None = None
    cataloger_config: dict[str, Any] = field(default_factory=dict)
    malware: MalwareConfig | None = None

    def worker_count(self) -> int:
        return max(1, self.workers if self.workers is not None else (os.cpu_count() or 1))

    def __post_init__(self) -> None:
        self.spill_bytes = min(self.spill_bytes, self.max_file_bytes)
        for name in self.digest_algorithms:
            if name not in hashlib.algorithms_available:
                raise ValueError(f"unknown digest algorithm {name!r}")

"""The one settings object.

Values come, highest precedence first, from: explicit keyword arguments (the CLI), ``DRYDOCK_*``
environment variables (nested keys with ``__``, e.g. ``DRYDOCK_ANALYZER__MAX_WORKERS``), the YAML
file named by ``--config`` / ``DRYDOCK_CONFIG``, then the defaults below — which need no setup:
SQLite and files under the data directory.

Secrets are ``SecretStr`` so they never show in reprs, logs or ``drydock config`` output.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import platformdirs
import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ALL_SERVICES = ("api", "rbac", "catalog", "policy", "queue", "feeds", "analyzer", "notifications", "ui")


class ConfigError(Exception):
    """The configuration file or environment is invalid; the message says which key."""


class AuthSettings(BaseModel):
    token_expiration_seconds: int = 3600
    # Signing key for bearer tokens; generated and kept in the database when unset, so every
    # replica of a scale-out deployment signs and verifies with the same key.
    token_secret: SecretStr | None = None
    failed_login_limit: int = 10
    failed_login_window_seconds: int = 60


class RbacSettings(BaseModel):
    # Role granted in their own account to users created through the accounts API, so Engine
    # clients keep working (users of an Engine account may do everything in it). Empty: none.
    default_user_role: str = "full-control"
    audit: str = "denied"  # all | denied | off
    cache_poll_seconds: float = 1.0


class ArchiveSettings(BaseModel):
    """Where analysis documents live: ``database`` (default), ``filesystem`` or ``s3``."""

    driver: str = "database"
    path: str | None = None  # filesystem: directory (default <data_dir>/archive)
    bucket: str | None = None  # s3
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    access_key: str | None = None
    secret_key: SecretStr | None = None
    create_bucket: bool = False


class CatalogSettings(BaseModel):
    max_compressed_image_size_mb: float = -1  # -1: no limit
    registry_connect_timeout: float = 10.0
    registry_read_timeout: float = 60.0
    registry_retries: int = 3
    tag_watcher_seconds: float = 600.0
    repo_watcher_seconds: float = 60.0
    image_gc_seconds: float = 60.0
    # An image stuck in "analyzing" longer than this (its worker vanished without the queue
    # noticing) is put back to not_analyzed and queued again.
    analysis_timeout_seconds: float = 36000.0
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)


class MalwareSettings(BaseModel):
    """ClamAV scan at analysis time (Anchore's ``malware.clamav``). Off by default: no
    signature database ships with Drydock; with ``db_update_enabled`` the analyzer runs
    ``freshclam`` into ``database_dir`` before a scan when the interval has passed."""

    enabled: bool = False
    clamscan_path: str = "clamscan"
    database_dir: str = "/var/lib/clamav"  # freshclam's default DatabaseDirectory on Debian
    max_file_mb: float = Field(default=64, gt=0)  # larger files are not scanned (partial scan)
    max_total_mb: float = Field(default=4096, gt=0)  # files beyond it are not scanned (partial)
    timeout_seconds: float = Field(default=1800, gt=0)  # the clamscan run; with clamd, per file
    # A running clamd (unix socket path or tcp://host:port) to stream files to instead of
    # starting clamscan: no database load per analysis. Its StreamMaxLength must be ≥ max_file_mb.
    clamd_address: str | None = None
    # freshclam before a scan (Anchore refreshes before each image), at most once per interval
    # per host: ClamAV's mirrors rate-limit. A failed refresh is a warning, the scan goes on.
    db_update_enabled: bool = True
    freshclam_path: str = "freshclam"
    db_update_interval_seconds: float = Field(default=3600, ge=0)
    db_update_timeout_seconds: float = Field(default=600, gt=0)
    db_update_max_attempts: int = Field(default=3, ge=1)  # per mirror; freshclam waits 5 s between
    # Air-gapped: PrivateMirror(s) serving main/daily/bytecode .cvd (e.g. cvdupdate) instead of
    # database.clamav.net, DatabaseCustomURL(s) for unsigned .ndb/.hdb/… files, and the
    # official databases not to fetch (ExcludeDatabase: main, daily, bytecode).
    private_mirrors: list[str] = Field(default_factory=list)
    database_custom_urls: list[str] = Field(default_factory=list)
    exclude_databases: list[str] = Field(default_factory=list)

    @field_validator("freshclam_path", "private_mirrors", "database_custom_urls", "exclude_databases")
    @classmethod
    def _no_blanks(cls, v: str | list[str]) -> str | list[str]:
        """freshclam.conf values are blank-free strings; a newline would inject a directive."""
        for value in [v] if isinstance(v, str) else v:
            if not value or any(ch.isspace() for ch in value):
                raise ValueError(f"{value!r}: must be non-empty and contain no blanks")
        return v


class AnalyzerServiceSettings(BaseModel):
    concurrency: int = Field(default=1, ge=1, le=64)  # analyses at once in this worker process
    lease_seconds: float = Field(default=120.0, gt=0)  # queue visibility timeout, kept alive while working
    poll_seconds: float = Field(default=1.0, gt=0)
    layer_workers: int | None = None  # layer-reading processes per analysis (None: CPU count)
    scratch_dir: str | None = None
    malware: MalwareSettings = Field(default_factory=MalwareSettings)
    # File digests the platform computes: sha256 for the files content and gate, md5 (dpkg,
    # older rpmdbs) and sha1 (apk) so packages:verify can compare with the package databases.
    file_digest_algorithms: list[str] = Field(default_factory=lambda: ["sha256", "md5", "sha1"])

    @field_validator("file_digest_algorithms")
    @classmethod
    def _known_digests(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - hashlib.algorithms_available)
        if unknown:
            raise ValueError(f"unknown digest algorithm(s) {unknown}")
        return v


class PolicySettings(BaseModel):
    # How often the policy_eval watcher re-checks active policy_eval subscriptions (the
    # reference's cycle); a tag is only re-evaluated when its inputs changed or daily.
    policy_eval_seconds: float = Field(default=300.0, gt=0)


class ServiceTimers(BaseModel):
    heartbeat_seconds: float = 10.0
    # A service is reported down when its heartbeat is older than this many heartbeats.
    down_after_heartbeats: float = 3.0
    account_cleanup_seconds: float = 30.0


class FeedDriverSettings(BaseModel):
    enabled: bool = True
    urls: list[str] = Field(default_factory=list)  # empty: the driver's upstream defaults
    interval_hours: float = 6.0


class FeedSettings(BaseModel):
    # Air-gapped installs: a directory of upstream files or a feed bundle, imported on every
    # sync (unchanged inputs are skipped by checksum).
    local_source: Path | None = None
    # Online sources by driver name (``drydock feeds drivers`` lists them); none by default.
    drivers: dict[str, FeedDriverSettings] = Field(default_factory=dict)
    check_interval_seconds: float = 300.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DRYDOCK_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("drydock")))
    database_url: str | None = None
    redis_url: str | None = None
    admin_password: SecretStr | None = None
    admin_email: str = "admin@drydock.local"
    host: str = "127.0.0.1"
    port: int = 8228
    # URL other services and clients use to reach this process; derived from host/port if unset.
    external_url: str | None = None
    host_id: str = Field(default_factory=lambda: os.uname().nodename)
    services: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(ALL_SERVICES))
    log_level: str = "INFO"
    log_format: str = "json"  # json | console
    db_pool_size: int = 10
    db_max_overflow: int = 20
    auth: AuthSettings = Field(default_factory=AuthSettings)
    rbac: RbacSettings = Field(default_factory=RbacSettings)
    catalog: CatalogSettings = Field(default_factory=CatalogSettings)
    analyzer: AnalyzerServiceSettings = Field(default_factory=AnalyzerServiceSettings)
    timers: ServiceTimers = Field(default_factory=ServiceTimers)
    feeds: FeedSettings = Field(default_factory=FeedSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    shutdown_grace_seconds: float = 30.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlSource(settings_cls))

    @field_validator("services", mode="before")
    @classmethod
    def _split_services(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [s.strip() for s in v.split(",") if s.strip()]
        if isinstance(v, list) and ("all" in v):
            return list(ALL_SERVICES)
        return v

    @field_validator("services")
    @classmethod
    def _known_services(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(ALL_SERVICES))
        if unknown:
            raise ValueError(f"unknown service(s) {unknown}; known: {', '.join(ALL_SERVICES)}")
        return v

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, v: str) -> str:
        if v not in ("json", "console"):
            raise ValueError("log_format must be 'json' or 'console'")
        return v

    @model_validator(mode="after")
    def _defaults_from_data_dir(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'drydock.db'}"
        return self

    @property
    def base_url(self) -> str:
        if self.external_url:
            return self.external_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def is_sqlite(self) -> bool:
        return bool(self.database_url and self.database_url.startswith("sqlite"))


class _YamlSource(PydanticBaseSettingsSource):
    """Reads the YAML file named by ``DRYDOCK_CONFIG`` (the CLI's ``--config`` sets it)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("DRYDOCK_CONFIG")
        if not path:
            return {}
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh) or {}
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must hold a mapping at the top level")
        return data


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def reset_settings_cache() -> None:
    """Forget the cached settings (the CLI calls this after applying --config and flags)."""
    get_settings.cache_clear()

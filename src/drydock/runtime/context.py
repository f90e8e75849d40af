"""What a running process knows about itself; shared by its services and its HTTP app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from drydock import __version__
from drydock.accounts.throttle import LoginThrottle
from drydock.core.config import Settings
from drydock.core.db import Database, utcnow
from drydock.rbac.authorizer import Authorizer


@dataclass(eq=False)
class Runtime:
    settings: Settings
    db: Database
    token_secret: str
    services: list[str]
    authorizer: Authorizer
    throttle: LoginThrottle
    schema_versions: dict[str, str] = field(default_factory=dict)
    started_at: datetime = field(default_factory=utcnow)
    version: str = __version__

    @property
    def hostid(self) -> str:
        return self.settings.host_id

    @property
    def stale_after(self) -> timedelta:
        t = self.settings.timers
        return timedelta(seconds=t.heartbeat_seconds * t.down_after_heartbeats)

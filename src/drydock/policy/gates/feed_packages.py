"""``ruby_gems`` and ``npms``: language packages against a package-metadata feed (known
names and versions) plus a name/version blacklist.

Drydock's feeds carry vulnerability data only, so no package-metadata feed is synced and the
context's ``package_feed`` is None: ``feed_data_unavailable`` then fires for images holding
such packages and the three feed comparisons stay silent. The blacklists need no feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.analyzer.model import Package
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger
from drydock.policy.gates.checks import version_at_least


class _FeedTrigger(Trigger):
    pkg_type: str

    def packages(self, ctx: ImageContext) -> list[Package]:
        return [p for p in ctx.analysis.packages if str(p.type) == self.pkg_type]


class _NewerVersion(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg in self.packages(ctx):
            versions = (ctx.package_feed or {}).get((self.pkg_type, pkg.name)) or []
            newer = [v for v in versions if not version_at_least(self.pkg_type, pkg.version, v)]
            if newer:
                latest = newer[0]
                for v in newer[1:]:
                    if version_at_least(self.pkg_type, v, latest):
                        latest = v
                yield Fired(
                    f"Package version {pkg.name}-{pkg.version} is older than the latest version in the feed ({latest})"
                )


class _Unknown(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if ctx.package_feed is None:
            return
        for pkg in self.packages(ctx):
            if (self.pkg_type, pkg.name) not in ctx.package_feed:
                yield Fired(f"Package ({pkg.name}) is not found in the feed")


class _VersionUnknown(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if ctx.package_feed is None:
            return
        for pkg in self.packages(ctx):
            versions = ctx.package_feed.get((self.pkg_type, pkg.name))
            if versions is not None and pkg.version not in versions:
                yield Fired(f"Package version ({pkg.name}-{pkg.version}) is not found in the feed")


class _Unavailable(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if ctx.package_feed is None and self.packages(ctx):
            yield Fired(
                f"{self.pkg_type} package feed data is unavailable: packages cannot be checked against it"
            )


class _Blacklist(_FeedTrigger):
    params = (
        Param("name", "Package name to blacklist.", "time_diff", required=True),
        Param("version", "Package version to blacklist.", "0.2.9"),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg in self.packages(ctx):
            if pkg.name == p["name"] and p.get("version") in (None, pkg.version):
                yield Fired(f"{self.pkg_type} package ({pkg.name}-{pkg.version}) is blacklisted")


def _trigger(base: type[_FeedTrigger], name: str, pkg_type: str, description: str) -> type[Trigger]:
    return type(
        f"{pkg_type}_{name}", (base,), {"name": name, "pkg_type": pkg_type, "description": description}
    )


GEMS = Gate(
    "ruby_gems",
    "Ruby Gem Checks",
    (
        _trigger(
            _NewerVersion,
            "newer_version_found_in_feed",
            "gem",
            "Triggers if an installed GEM is not the latest version according to GEM data feed.",
        ),
        _trigger(
            _Unknown,
            "not_found_in_feed",
            "gem",
            "Triggers if an installed GEM is not in the official GEM database, according to GEM data feed.",
        ),
        _trigger(
            _VersionUnknown,
            "version_not_found_in_feed",
            "gem",
            "Triggers if an installed GEM version is not listed in the official GEM feed as a valid version.",
        ),
        _trigger(
            _Blacklist,
            "blacklist",
            "gem",
            "Triggers if the evaluated image has an GEM package installed that matches one in the list given as a param (package_name|vers).",
        ),
        _trigger(
            _Unavailable,
            "feed_data_unavailable",
            "gem",
            "Triggers if anchore does not have access to the GEM data feed.",
        ),
    ),
)
NPMS = Gate(
    "npms",
    "NPM Checks",
    (
        _trigger(
            _NewerVersion,
            "newer_version_in_feed",
            "npm",
            "Triggers if an installed NPM is not the latest version according to NPM data feed.",
        ),
        _trigger(
            _Unknown,
            "unknown_in_feeds",
            "npm",
            "Triggers if an installed NPM is not in the official NPM database, according to NPM data feed.",
        ),
        _trigger(
            _VersionUnknown,
            "version_not_in_feeds",
            "npm",
            "Triggers if an installed NPM version is not listed in the official NPM feed as a valid version.",
        ),
        _trigger(
            _Blacklist,
            "blacklisted_name_version",
            "npm",
            "Triggers if the evaluated image has an NPM package installed that matches one in the list given as a param (package_name|vers).",
        ),
        _trigger(
            _Unavailable,
            "feed_data_unavailable",
            "npm",
            "Triggers if anchore does not have access to the NPM data feed.",
        ),
    ),
)

"""``ruby_gems`` and ``npms``: language packages against the ``packages`` feed (the versions
a registry publishes, and its ``latest``) plus a name/version blacklist.

Without a synced feed group for the type, ``feed_data_unavailable`` fires for images holding
such packages and the three feed comparisons stay silent, as in Anchore. Messages are
Anchore's, so allowlists and reports written for it keep matching.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from drydock.analyzer.model import Package
from drydock.feeds.records import PackageVersions
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger
from drydock.policy.gates.checks import version_at_least


class _FeedTrigger(Trigger):
    pkg_type: str
    #: The type's label in Anchore's messages: "NPM", "GEM".
    label: ClassVar[str]

    def packages(self, ctx: ImageContext) -> list[Package]:
        return [p for p in ctx.analysis.packages if str(p.type) == self.pkg_type]

    def known(self, ctx: ImageContext) -> Iterator[tuple[Package, PackageVersions | None]]:
        """Each package of the type with the feed's entry for its name; nothing without a feed."""
        feed = ctx.package_feeds.get(self.pkg_type)
        if feed is None:
            return
        for pkg in self.packages(ctx):
            yield pkg, feed.get(pkg.name)


class _NewerVersion(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg, entry in self.known(ctx):
            latest = entry and (entry.latest or _highest(self.pkg_type, entry.versions))
            if latest and pkg.version != latest and not version_at_least(self.pkg_type, pkg.version, latest):
                yield Fired(
                    f"Package ({pkg.name}) version ({pkg.version}) installed but is not the latest version ({latest})"
                )


class _Unknown(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg, entry in self.known(ctx):
            if entry is None:
                yield Fired(
                    f"{self.label}NOTOFFICIAL Package ({pkg.name}) in container but not in official {self.label} feed."
                )


class _VersionUnknown(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg, entry in self.known(ctx):
            if entry is not None and pkg.version not in entry.versions:
                yield Fired(
                    f"{self.label}BADVERSION Package ({pkg.name}) version ({pkg.version}) installed but version "
                    f"is not in the official feed for this package ({list(entry.versions)})"
                )


class _Unavailable(_FeedTrigger):
    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if self.pkg_type not in ctx.package_feeds and self.packages(ctx):
            yield Fired(
                f"{_PRESENT_LABEL[self.pkg_type]} packages are present but "
                f"the anchore {self.pkg_type} feed is not available - will be unable to perform checks that "
                "require feed data"
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


_PRESENT_LABEL = {"gem": "Gem", "npm": "NPM"}  # as Anchore's feed_data_unavailable messages spell them


def _highest(pkg_type: str, versions: tuple[str, ...]) -> str | None:
    """The newest of ``versions`` when the feed names no ``latest``."""
    best: str | None = None
    for version in versions:
        if best is None or version_at_least(pkg_type, version, best):
            best = version
    return best


def _trigger(base: type[_FeedTrigger], name: str, pkg_type: str, description: str) -> type[Trigger]:
    return type(
        f"{pkg_type}_{name}",
        (base,),
        {"name": name, "pkg_type": pkg_type, "label": pkg_type.upper(), "description": description},
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

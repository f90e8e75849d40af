"""Every trigger fires on crafted content that should fire it, and stays silent otherwise."""

from __future__ import annotations

from datetime import timedelta
from hashlib import sha256

import pytest

from drydock.analyzer.model import (
    Distro,
    FileEntry,
    FileType,
    ImageAnalysis,
    License,
    Package,
    PackageType,
    SecretMatch,
)
from drydock.feeds.records import PackageVersions
from drydock.policy.context import MalwareFinding
from drydock.policy.evaluate import evaluate
from drydock.policy.validation import compile_bundle
from drydock.policy.vulndata import CvssScores, Vulnerabilities, VulnMatch
from tests.policy.factory import NOW, bundle_doc, context, fire, rows, rule

PASSWD = b"root:x:0:0:root:/root:/bin/bash\nftp:x:14:50:FTP User:/var/ftp:/sbin/nologin\nbroken line\n"


def pkg(name: str, version: str = "1.0", type: PackageType = PackageType.DEB, **kw: object) -> Package:
    return Package(name, version, type, "test", **kw)  # type: ignore[arg-type]


def image(**kw: object) -> ImageAnalysis:
    return ImageAnalysis(source={}, **kw)  # type: ignore[arg-type]


# --- always, dockerfile -------------------------------------------------------------------


def test_always() -> None:
    assert fire("always", "always", context()) == ["always"]


DOCKERFILE = (
    "FROM alpine:3.18\nRUN apk add curl \\\n  bash\nUSER app\nEXPOSE 8080 22/tcp\nHEALTHCHECK CMD true\n"
)


@pytest.mark.parametrize(
    ("params", "fires"),
    [
        ({"instruction": "HEALTHCHECK", "check": "not_exists"}, False),
        ({"instruction": "VOLUME", "check": "not_exists"}, True),
        ({"instruction": "USER", "check": "exists"}, True),
        ({"instruction": "FROM", "check": "=", "value": "alpine:3.18"}, True),
        ({"instruction": "FROM", "check": "!=", "value": "alpine:3.18"}, False),
        ({"instruction": "RUN", "check": "like", "value": "apk add .*bash"}, True),
        ({"instruction": "RUN", "check": "not_like", "value": "apk"}, False),
        ({"instruction": "USER", "check": "in", "value": "root,app"}, True),
        ({"instruction": "USER", "check": "not_in", "value": "root,app"}, False),
    ],
)
def test_dockerfile_instruction(params: dict[str, str], fires: bool) -> None:
    ctx = context(image(dockerfile=DOCKERFILE, dockerfile_mode="Actual"))
    assert bool(fire("dockerfile", "instruction", ctx, **params)) is fires


def test_dockerfile_actual_only_skips_guessed() -> None:
    guessed = context(image(image_metadata={"history": [{"created_by": "/bin/sh -c #(nop)  USER root"}]}))
    assert fire("dockerfile", "instruction", guessed, instruction="USER", check="exists")
    assert not fire(
        "dockerfile",
        "instruction",
        guessed,
        instruction="USER",
        check="exists",
        actual_dockerfile_only="true",
    )


def test_effective_user_and_ports() -> None:
    ctx = context(
        image(
            dockerfile=DOCKERFILE,
            dockerfile_mode="Actual",
            image_metadata={"user": "", "exposedPorts": ["443/tcp"]},
        )
    )
    assert fire("dockerfile", "effective_user", ctx, users="app", type="blacklist")
    assert not fire("dockerfile", "effective_user", ctx, users="app", type="whitelist")
    assert fire("dockerfile", "effective_user", context(image()), users="app", type="whitelist") == [
        "User 'root' found as effective user, which is not on the allowed list"
    ]
    assert fire("dockerfile", "exposed_ports", ctx, ports="22", type="blacklist") == [
        "Dockerfile exposes port (22) which is in policy file DENIEDPORTS list"
    ]
    allowed = fire("dockerfile", "exposed_ports", ctx, ports="8080,22", type="whitelist")
    assert allowed == ["Dockerfile exposes port (443) which is not in policy file ALLOWEDPORTS list"]
    assert not fire(
        "dockerfile", "exposed_ports", ctx, ports="8080,22", type="whitelist", actual_dockerfile_only="true"
    )


def test_no_dockerfile_provided() -> None:
    assert fire("dockerfile", "no_dockerfile_provided", context(image()))
    assert not fire(
        "dockerfile", "no_dockerfile_provided", context(image(dockerfile="FROM x", dockerfile_mode="Actual"))
    )


# --- files -------------------------------------------------------------------------------

FILES = [
    FileEntry("/etc/passwd", FileType.REGULAR, 0o644, digests={"sha256": sha256(PASSWD).hexdigest()}),
    FileEntry("/usr/bin/passwd", FileType.REGULAR, 0o4755),
    FileEntry("/usr/bin/wall", FileType.REGULAR, 0o2755),
    FileEntry("/root/key.pem", FileType.REGULAR, 0o600),
]


def test_files_name_match_and_suid() -> None:
    ctx = context(image(files=FILES))
    assert fire("files", "name_match", ctx, regex=r".*\.pem") == [
        "Application of regex matched file found in container: file=/root/key.pem regexp=.*\\.pem"
    ]
    assert not fire("files", "name_match", ctx, regex=r".*\.crt")
    assert len(fire("files", "suid_or_guid_set", ctx)) == 2
    assert not fire("files", "suid_or_guid_set", context(image(files=FILES[:1])))


def test_files_attribute_match() -> None:
    ctx = context(image(files=FILES))
    digest = sha256(PASSWD).hexdigest()
    assert fire(
        "files",
        "attribute_match",
        ctx,
        filename="/etc/passwd",
        checksum=digest,
        checksum_match="equals",
        mode="00644",
    )
    assert not fire(
        "files", "attribute_match", ctx, filename="/etc/passwd", checksum=digest, checksum_match="not_equals"
    )
    assert fire("files", "attribute_match", ctx, filename="/etc/passwd", mode="00600", mode_op="not_equals")
    assert not fire("files", "attribute_match", ctx, filename="/nope", mode="00644")
    assert fire("files", "attribute_match", ctx, filename="/nope", mode="00644", skip_missing="false")


def test_files_content_regex_match() -> None:
    hits = [SecretMatch("/app/config", "password", ".*password.*", [3])]
    ctx = context(image(content_matches=hits))
    assert fire("files", "content_regex_match", ctx)
    assert fire("files", "content_regex_match", ctx, regex_name="password")
    assert not fire("files", "content_regex_match", ctx, regex_name="token")


# --- secrets, retrieved files, passwd -----------------------------------------------------


def test_secret_scans() -> None:
    ctx = context(image(secrets=[SecretMatch("/etc/aws", "AWS_ACCESS_KEY", "AKIA", [1])]))
    assert fire("secret_scans", "content_regex_checks", ctx)
    assert fire(
        "secret_scans",
        "content_regex_checks",
        ctx,
        content_regex_name="AWS_ACCESS_KEY",
        filename_regex="/etc/.*",
    )
    assert not fire("secret_scans", "content_regex_checks", ctx, filename_regex="/opt/.*")
    assert not fire("secret_scans", "content_regex_checks", ctx, match_type="notfound")
    assert fire(
        "secret_scans", "content_regex_checks", ctx, content_regex_name="PRIV_KEY", match_type="notfound"
    )


def test_retrieved_files() -> None:
    ctx = context(image(retrieved_files={"/etc/app.conf": b"SSLEnabled=false\n"}))
    assert fire("retrieved_files", "content_not_available", ctx, path="/etc/other")
    assert not fire("retrieved_files", "content_not_available", ctx, path="/etc/app.conf")
    assert fire(
        "retrieved_files", "content_regex", ctx, path="/etc/app.conf", regex="SSLEnabled=false", check="match"
    )
    assert not fire(
        "retrieved_files",
        "content_regex",
        ctx,
        path="/etc/app.conf",
        regex="SSLEnabled=false",
        check="no_match",
    )
    assert fire(
        "retrieved_files",
        "content_regex",
        ctx,
        path="/etc/app.conf",
        regex="SSLEnabled=true",
        check="no_match",
    )


def test_passwd_file() -> None:
    ctx = context(image(retrieved_files={"/etc/passwd": PASSWD}))
    assert not fire("passwd_file", "content_not_available", ctx)
    assert fire("passwd_file", "content_not_available", context(image()))
    assert fire("passwd_file", "blacklist_usernames", ctx, user_names="ftp,games")
    assert not fire("passwd_file", "blacklist_usernames", ctx, user_names="games")
    assert fire("passwd_file", "blacklist_userids", ctx, user_ids="0")
    assert not fire("passwd_file", "blacklist_userids", ctx, user_ids="1000")
    assert fire("passwd_file", "blacklist_groupids", ctx, group_ids="50")
    assert not fire("passwd_file", "blacklist_groupids", ctx, group_ids="51")
    assert fire("passwd_file", "blacklist_shells", ctx, shells="/bin/bash")
    assert not fire("passwd_file", "blacklist_shells", ctx, shells="/bin/zsh")
    assert fire(
        "passwd_file", "blacklist_full_entry", ctx, entry="ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin"
    )
    assert not fire("passwd_file", "blacklist_full_entry", ctx, entry="ftp:x:14:50::/:/bin/sh")


# --- packages, licenses, language feeds, metadata, malware --------------------------------


def test_packages_required_and_blacklist() -> None:
    ctx = context(image(packages=[pkg("openssl", "1.1.1k-1"), pkg("curl", "7.88.1-10")]))
    assert not fire("packages", "required_package", ctx, name="openssl")
    assert fire("packages", "required_package", ctx, name="bash")
    assert fire("packages", "required_package", ctx, name="openssl", version="3.0.0")
    assert not fire(
        "packages", "required_package", ctx, name="openssl", version="1.1.1a-1", version_match_type="minimum"
    )
    assert fire(
        "packages", "required_package", ctx, name="openssl", version="1.1.1z-1", version_match_type="minimum"
    )
    assert fire("packages", "blacklist", ctx, name="curl") == ["Package is blacklisted: curl"]
    assert fire("packages", "blacklist", ctx, name="curl", version="7.88.1-10")
    assert not fire("packages", "blacklist", ctx, name="curl", version="1.0")


def test_packages_verify() -> None:
    good = sha256(b"binary").hexdigest()
    files = [
        FileEntry(
            "/usr/bin/tool", FileType.REGULAR, 0o755, digests={"sha256": sha256(b"tampered").hexdigest()}
        ),
        FileEntry("/usr/lib/ok.so", FileType.REGULAR, 0o644, digests={"sha256": good}),
    ]
    meta = {
        "Files": [
            {"Path": "/usr/bin/tool", "Digest": {"Algorithm": "sha256", "Value": good}},
            {"Path": "/usr/lib/ok.so", "Digest": {"Algorithm": "sha256", "Value": good}},
            {"Path": "/usr/share/doc/gone", "Digest": {"Algorithm": "sha256", "Value": good}},
        ]
    }
    ctx = context(image(files=files, packages=[pkg("tool", type=PackageType.RPM, metadata=meta)]))
    out = fire("packages", "verify", ctx)
    assert len(out) == 2 and "'/usr/bin/tool' with status: 'changed'" in out[0] and "'missing'" in out[1]
    assert len(fire("packages", "verify", ctx, check="missing")) == 1
    assert not fire("packages", "verify", ctx, only_directories="/usr/lib")
    assert not fire("packages", "verify", ctx, only_packages="other")


def test_licenses() -> None:
    ctx = context(image(packages=[pkg("bash", licenses=[License("GPL-3.0-or-later")])]))
    assert fire("licenses", "blacklist_exact_match", ctx, licenses="GPL-3.0-or-later")
    assert not fire("licenses", "blacklist_exact_match", ctx, licenses="GPL-3.0")
    assert fire("licenses", "blacklist_partial_match", ctx, licenses="GPL-3.0")
    assert not fire("licenses", "blacklist_partial_match", ctx, licenses="MIT")


@pytest.mark.parametrize(
    ("gate", "names"),
    [
        (
            "npms",
            (
                "newer_version_in_feed",
                "unknown_in_feeds",
                "version_not_in_feeds",
                "blacklisted_name_version",
                "feed_data_unavailable",
            ),
        ),
        (
            "ruby_gems",
            (
                "newer_version_found_in_feed",
                "not_found_in_feed",
                "version_not_found_in_feed",
                "blacklist",
                "feed_data_unavailable",
            ),
        ),
    ],
)
def test_language_feed_gates(gate: str, names: tuple[str, ...]) -> None:
    ptype = PackageType.NPM if gate == "npms" else PackageType.GEM
    label = str(ptype).upper()
    analysis = image(
        packages=[pkg("left-pad", "1.0.0", ptype), pkg("mystery", "0.1.0", ptype), pkg("pad", "9.9.9", ptype)]
    )
    newer, unknown, version_unknown, blacklist, unavailable = names
    no_feed = context(analysis)
    assert fire(gate, unavailable, no_feed)
    assert not fire(gate, unknown, no_feed) and not fire(gate, newer, no_feed)
    feed = {
        "left-pad": PackageVersions(str(ptype), "left-pad", ("1.0.0", "1.3.0", "2.0.0-beta"), "1.3.0"),
        "pad": PackageVersions(str(ptype), "pad", ("1.0.0",), None),
    }
    with_feed = context(analysis, package_feeds={str(ptype): feed})
    assert not fire(gate, unavailable, with_feed)
    # latest is the registry's pick, not the highest version; without one, the highest
    assert fire(gate, newer, with_feed) == [
        "Package (left-pad) version (1.0.0) installed but is not the latest version (1.3.0)"
    ]
    assert fire(gate, unknown, with_feed) == [
        f"{label}NOTOFFICIAL Package (mystery) in container but not in official {label} feed."
    ]
    bad_version = (
        f"{label}BADVERSION Package (pad) version (9.9.9) installed but version is not in the official feed "
        "for this package (['1.0.0'])"
    )
    assert fire(gate, version_unknown, with_feed) == [bad_version]
    other_type = context(analysis, package_feeds={"npm" if gate == "ruby_gems" else "gem": {}})
    assert fire(gate, unavailable, other_type)  # availability is per package type
    assert fire(gate, blacklist, with_feed, name="left-pad") and not fire(
        gate, blacklist, with_feed, name="left-pad", version="9"
    )


def test_metadata_attribute() -> None:
    ctx = context(
        image(
            distro=Distro("debian", "12", ("linux",)),
            image_metadata={"imageSize": 5000, "architecture": "amd64", "os": "linux", "layerCount": 3},
        )
    )
    assert fire("metadata", "attribute", ctx, attribute="size", check=">", value="1000")
    assert not fire("metadata", "attribute", ctx, attribute="size", check=">", value="10000")
    assert fire("metadata", "attribute", ctx, attribute="distro", check="in", value="debian,ubuntu")
    assert fire("metadata", "attribute", ctx, attribute="distro_version", check="<", value="13")
    assert fire("metadata", "attribute", ctx, attribute="architecture", check="like", value="amd.*")
    assert not fire("metadata", "attribute", ctx, attribute="os_type", check="!=", value="linux")
    assert fire("metadata", "attribute", ctx, attribute="layer_count", check=">=", value="3")
    assert fire("metadata", "attribute", ctx, attribute="like_distro", check="exists")
    assert fire("metadata", "attribute", context(image()), attribute="distro", check="not_exists")


def test_malware() -> None:
    assert fire("malware", "scan_not_run", context(image()))
    clean = context(image(), malware=[])
    assert not fire("malware", "scan_not_run", clean) and not fire("malware", "scans", clean)
    assert fire("malware", "scans", context(image(), malware=[MalwareFinding("/tmp/x", "Eicar-Signature")]))


# --- vulnerabilities -------------------------------------------------------------------------


def vuln(vid: str = "CVE-2024-1", severity: str = "High", **kw: object) -> VulnMatch:
    base = {"package_name": "openssl", "package_version": "1.0", "package_type": "deb", "is_os": True}
    return VulnMatch(vid, severity, **{**base, **kw})  # type: ignore[arg-type]


def vctx(*matches: VulnMatch, available: bool = True, synced_days_ago: float = 0) -> object:
    return context(
        image(distro=Distro("debian", "12")),
        Vulnerabilities(list(matches), available, NOW - timedelta(days=synced_days_ago)),
    )


def test_vulnerability_package_severity_and_ids() -> None:
    ctx = vctx(vuln("CVE-1", "High"), vuln("CVE-2", "Medium"), vuln("CVE-3", "Low", package_name="zlib"))
    assert (
        len(
            fire(
                "vulnerabilities",
                "package",
                ctx,
                package_type="all",
                severity_comparison=">",
                severity="medium",
            )
        )
        == 1
    )
    assert (
        len(
            fire(
                "vulnerabilities",
                "package",
                ctx,
                package_type="all",
                severity_comparison=">=",
                severity="medium",
            )
        )
        == 2
    )
    assert (
        len(
            fire(
                "vulnerabilities", "package", ctx, package_type="all", severity_comparison="=", severity="low"
            )
        )
        == 1
    )
    assert len(fire("vulnerabilities", "package", ctx, package_type="all")) == 3  # no severity: every match
    assert not fire("vulnerabilities", "package", ctx, package_type="non-os")
    result = evaluate(
        compile_bundle(
            bundle_doc(
                [
                    rule(
                        "vulnerabilities",
                        "package",
                        package_type="os",
                        severity="low",
                        severity_comparison=">",
                    )
                ]
            )
        ),
        ctx,
    )
    assert [r[2] for r in rows(result)] == ["CVE-1+openssl", "CVE-2+openssl"]
    assert (
        rows(result)[0][5]
        == "HIGH Vulnerability found in os package type (deb) - openssl (fixed in: None)(CVE-1 - None)"
    )


def test_vulnerability_package_filters() -> None:
    java = vuln(
        "GHSA-1",
        "Critical",
        package_name="log4j",
        package_type="java-archive",
        is_os=False,
        package_path="/app/lib/log4j-core.jar",
        fix_versions=("2.17",),
    )
    wnf = vuln("CVE-9", "Critical", will_not_fix=True)
    scored = vuln(
        "CVE-5", "High", nvd_cvss_v3=(CvssScores(9.8, 3.9, 5.9),), vendor_cvss_v3=(CvssScores(6.5, 2.0, 3.0),)
    )
    ctx = vctx(java, wnf, scored)
    assert fire("vulnerabilities", "package", ctx, package_type="non-os")[0].startswith(
        "CRITICAL Vulnerability found in non-os package type (java-archive) - /app/lib/log4j-core.jar (fixed in: 2.17)"
    )
    assert not fire(
        "vulnerabilities", "package", ctx, package_type="non-os", package_path_exclude=".*/lib/.*"
    )
    assert (
        len(
            fire(
                "vulnerabilities",
                "package",
                ctx,
                package_type="os",
                severity="high",
                severity_comparison=">=",
            )
        )
        == 1
    )
    assert (
        len(
            fire(
                "vulnerabilities",
                "package",
                ctx,
                package_type="os",
                severity="high",
                severity_comparison=">=",
                vendor_only="false",
            )
        )
        == 2
    )
    assert len(fire("vulnerabilities", "package", ctx, package_type="all", fix_available="true")) == 1
    assert len(fire("vulnerabilities", "package", ctx, package_type="all", fix_available="false")) == 1
    assert len(fire("vulnerabilities", "package", ctx, package_type="all", cvss_v3_base_score="9.0")) == 1
    assert not fire("vulnerabilities", "package", ctx, package_type="all", vendor_cvss_v3_base_score="9.0")
    assert fire(
        "vulnerabilities",
        "package",
        ctx,
        package_type="all",
        vendor_cvss_v3_impact_score="3.0",
        vendor_cvss_v3_impact_score_comparison="=",
    )
    assert fire(
        "vulnerabilities",
        "package",
        ctx,
        package_type="all",
        cvss_v3_exploitability_score="4",
        cvss_v3_exploitability_score_comparison="<",
    )


def test_vulnerability_package_ages() -> None:
    old = vuln(
        "CVE-OLD",
        detected_at=NOW - timedelta(days=40),
        fix_versions=("1.1",),
        fix_observed_at=NOW - timedelta(days=40),
    )
    new = vuln(
        "CVE-NEW",
        detected_at=NOW - timedelta(days=1),
        fix_versions=("1.1",),
        fix_observed_at=NOW - timedelta(days=1),
    )
    ctx = vctx(old, new)
    assert [
        m.split("(")[-1]
        for m in fire("vulnerabilities", "package", ctx, package_type="all", max_days_since_creation="30")
    ] == ["CVE-OLD - None)"]
    assert (
        len(
            fire(
                "vulnerabilities",
                "package",
                ctx,
                package_type="all",
                fix_available="true",
                max_days_since_fix="30",
            )
        )
        == 1
    )
    assert (
        len(fire("vulnerabilities", "package", ctx, package_type="all", max_days_since_fix="30")) == 2
    )  # needs fix_available=true


def _fired_ids(ctx: object, **params: str) -> list[str]:
    return sorted(m.split("(")[-1].split(" ")[0] for m in fire("vulnerabilities", "package", ctx, **params))


def test_max_days_since_fix_day_boundary_and_unknown_date() -> None:
    """Fires once the fix is N days old (not a second before); an unknown date never fires;
    without fix_available=true the age is not looked at."""
    fixed = ("1.1",)
    ctx = vctx(
        vuln("CVE-AT", fix_versions=fixed, fix_observed_at=NOW - timedelta(days=30)),
        vuln(
            "CVE-JUST-UNDER",
            fix_versions=fixed,
            fix_observed_at=NOW - timedelta(days=30) + timedelta(seconds=1),
        ),
        vuln("CVE-UNKNOWN", fix_versions=fixed, fix_observed_at=None),
        vuln("CVE-NOFIX"),
    )
    aged = {"package_type": "all", "max_days_since_fix": "30"}
    assert _fired_ids(ctx, fix_available="true", **aged) == ["CVE-AT"]
    assert _fired_ids(ctx, fix_available="false", **aged) == ["CVE-NOFIX"]
    assert _fired_ids(ctx, **aged) == ["CVE-AT", "CVE-JUST-UNDER", "CVE-NOFIX", "CVE-UNKNOWN"]


def test_max_days_since_creation_day_boundary() -> None:
    """Compares the match's detection time; a match never detected (no time) does not fire."""
    ctx = vctx(
        vuln("CVE-AT", detected_at=NOW - timedelta(days=7)),
        vuln("CVE-JUST-UNDER", detected_at=NOW - timedelta(days=7) + timedelta(seconds=1)),
        vuln("CVE-UNKNOWN"),
    )
    assert _fired_ids(ctx, package_type="all", max_days_since_creation="7") == ["CVE-AT"]


def test_vulnerability_other_triggers() -> None:
    assert fire("vulnerabilities", "stale_feed_data", vctx(synced_days_ago=3), max_days_since_sync="2")
    assert not fire("vulnerabilities", "stale_feed_data", vctx(synced_days_ago=1), max_days_since_sync="2")
    assert fire("vulnerabilities", "vulnerability_data_unavailable", vctx(available=False)) == [
        "Feed data unavailable, cannot perform CVE scan for distro: debian:12"
    ]
    assert not fire("vulnerabilities", "vulnerability_data_unavailable", vctx())
    assert fire("vulnerabilities", "vulnerability_data_unavailable", context(image()))  # no feed store at all
    ctx = vctx(vuln("CVE-1"), vuln("CVE-2", will_not_fix=True))
    assert fire("vulnerabilities", "blacklist", ctx, vulnerability_ids="CVE-1,CVE-3") == [
        "Blacklisted vulnerabilities detected: ['CVE-1']"
    ]
    assert not fire("vulnerabilities", "blacklist", ctx, vulnerability_ids="CVE-2")
    assert fire("vulnerabilities", "blacklist", ctx, vulnerability_ids="CVE-2", vendor_only="false")

"""Deterministic synthetic vulnerability feeds (~300k records) written in *upstream* formats.

Run: ``PYTHONPATH=src python bench/gen_feed_data.py --out /tmp/feedbench [--seed 1337] [--total 300000]``

The per-namespace record counts are those of a real 2021 grype DB (anchore-engine's
``expected_grype_feed_and_group_counts.json``, 365,472 records), scaled to ``--total``. Names,
versions, CVE ids, CPE configurations and CVSS vectors are drawn from the real samples in
``shared/feeds`` (FORMATS.md §5); record shapes (packages per record, unfixed share, explicit
version lists) follow the distributions measured there. Output is never committed: it is rebuilt
on demand and described by ``manifest.json`` (driver -> input path, records generated).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

from drydock.feeds.drivers.io import load_json, load_yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "feeds"

DEBIAN_CODENAMES = {
    "7": "wheezy",
    "8": "jessie",
    "9": "stretch",
    "10": "buster",
    "11": "bullseye",
    "unstable": "sid",
}
UBUNTU_CODENAMES = {
    "12.04": "precise",
    "12.10": "quantal",
    "13.04": "raring",
    "14.04": "trusty",
    "14.10": "utopic",
    "15.04": "vivid",
    "15.10": "wily",
    "16.04": "xenial",
    "16.10": "yakkety",
    "17.04": "zesty",
    "17.10": "artful",
    "18.04": "bionic",
    "18.10": "cosmic",
    "19.04": "disco",
    "19.10": "eoan",
    "20.04": "focal",
    "20.10": "groovy",
    "21.04": "hirsute",
}
SEVERITIES = ["low", "medium", "high", "critical", "unimportant", "not yet assigned"]
SEVERITY_WEIGHTS = [0.22, 0.33, 0.14, 0.03, 0.10, 0.18]
GITHUB_ECOSYSTEMS = {
    "github:npm": "npm",
    "github:java": "Maven",
    "github:python": "PyPI",
    "github:gem": "RubyGems",
}


class Vocabulary:
    """Real names, versions, ids and shapes harvested from the shared samples."""

    def __init__(self, shared: Path, rng: random.Random) -> None:
        self.rng = rng
        self.os_versions: dict[str, list[str]] = defaultdict(list)
        self.packages_per_cve: list[int] = []
        cve_ids: set[str] = set()
        for path in sorted((shared / "alpine-secdb").rglob("*.yaml")):
            per_cve: Counter[str] = Counter()
            for entry in (load_yaml(path) or {}).get("packages") or []:
                pkg = entry["pkg"]
                for version, ids in (pkg.get("secfixes") or {}).items():
                    self.os_versions[pkg["name"]].append(re.sub(r"-r\d+$", "", version))
                    for raw in ids or []:
                        cve_ids.update(re.findall(r"CVE-\d{4}-\d{4,}", raw))
                        per_cve.update(re.findall(r"CVE-\d{4}-\d{4,}", raw))
            self.packages_per_cve += list(per_cve.values())
        for path in sorted((shared / "osv" / "almalinux").rglob("*.json")):
            for affected in load_json(path).get("affected", []):
                for rng_ in affected.get("ranges", []):
                    for ev in rng_.get("events", []):
                        if "fixed" in ev:
                            self.os_versions[affected["package"]["name"]].append(
                                ev["fixed"].split(":")[-1].split("-")[0]
                            )
        self.os_names = sorted(
            n for n, v in self.os_versions.items() if v and re.match(r"^[a-z0-9][\w.+-]*$", n)
        )
        self.lang_versions = self._language_versions(shared)
        self.cvss_vectors = self._vectors(shared)
        overrides = (load_json(p)["cve"] for p in sorted((shared / "nvd" / "overrides").rglob("*.json")))
        self.cpe_templates = [cve["configurations"] for cve in overrides if cve.get("configurations")]
        self.real_cves = sorted(cve_ids)
        self._next_synthetic = 0

    def _language_versions(self, shared: Path) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for path in sorted((shared / "osv" / "go").glob("*.json"))[:1500]:
            for affected in load_json(path).get("affected", []):
                for rng_ in affected.get("ranges", []):
                    out["Go"][affected["package"]["name"]] += [
                        v for e in rng_["events"] for v in e.values() if v != "0"
                    ]
        for path in sorted((shared / "osv" / "pypi").rglob("*.yaml"))[:1500]:
            for affected in load_yaml(path).get("affected") or []:
                out["PyPI"][affected["package"]["name"]] += list(affected.get("versions") or [])[:40]
        for eco, names in (
            ("npm", self.os_names[:400]),
            ("Maven", self.os_names[400:800]),
            ("RubyGems", self.os_names[800:1100]),
        ):
            for name in names:
                out[eco][name if eco != "Maven" else f"org.{name}:{name}"] = [
                    f"{v}.0" for v in self.os_versions[name]
                ]
        return {eco: {n: v for n, v in names.items() if v} for eco, names in out.items()}

    @staticmethod
    def _vectors(shared: Path) -> list[str]:
        page = load_json(shared / "vunnel" / "fixtures" / "nvd" / "full-page.json")
        return sorted(
            {
                m["cvssData"]["vectorString"]
                for v in page["vulnerabilities"]
                for ms in v["cve"].get("metrics", {}).values()
                for m in ms
                if m["cvssData"]["version"].startswith("3")
            }
        )

    def cve(self) -> str:
        """Real ids first (in a shuffled order), then fresh ids with a recent-heavy year spread."""
        if self._next_synthetic < len(self.real_cves):
            self._next_synthetic += 1
            return self.real_cves[self._next_synthetic - 1]
        self._next_synthetic += 1
        year = self.rng.choices(
            range(2005, 2026), weights=[1 + (y - 2005) ** 1.5 for y in range(2005, 2026)]
        )[0]
        return f"CVE-{year}-{100000 + self._next_synthetic}"

    def os_package(self) -> tuple[str, str]:
        name = self.rng.choice(self.os_names)
        return name, self.bump(self.rng.choice(self.os_versions[name]))

    def bump(self, version: str) -> str:
        """Mutate the last numeric component, as successive fixes of one package do."""
        parts = re.split(r"(\d+)", version)
        idx = [i for i, p in enumerate(parts) if p.isdigit()]
        if idx:
            i = idx[-1]
            parts[i] = str(int(parts[i]) + self.rng.randint(0, 3))
        return "".join(parts) or "1.0"

    def n_packages(self) -> int:
        return min(self.rng.choice(self.packages_per_cve), 12)


def scaled_targets(shared: Path, total: int) -> dict[str, int]:
    counts = {
        k: int(v)
        for k, v in load_json(
            shared / "anchore-feed-service" / "expected_grype_feed_and_group_counts.json"
        ).items()
    }
    keep = {
        k: v
        for k, v in counts.items()
        if k.split(":")[0] in ("nvd", "debian", "ubuntu", "rhel", "alpine", "ol", "github", "amzn")
    }
    factor = total / sum(keep.values())
    return {k: max(1, round(v * factor)) for k, v in keep.items()}


def _by_prefix(targets: dict[str, int], prefix: str) -> dict[str, int]:
    return {k.split(":", 1)[1] if ":" in k else k: v for k, v in targets.items() if k.split(":")[0] == prefix}


def _membership(rng: random.Random, targets: dict[str, int]) -> list[list[str]]:
    """Entries shared between releases: entry i is in release r with p = target_r / n_entries."""
    n = max(targets.values())
    entries: list[list[str]] = [[] for _ in range(n)]
    for release, count in targets.items():
        for i in rng.sample(range(n), count):
            entries[i].append(release)
    return entries


def write_debian(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    tracker: dict[str, dict[str, Any]] = defaultdict(dict)
    dsa_lines: list[str] = []
    records = 0
    for releases in _membership(rng, targets):
        name, version = vocab.os_package()
        cve = vocab.cve()
        rels = {}
        urgency = rng.choices(
            SEVERITIES[:3] + ["unimportant", "not yet assigned", "end-of-life"], SEVERITY_WEIGHTS
        )[0]
        for release in releases:
            codename = DEBIAN_CODENAMES[release]
            fixed = rng.random() > 0.08
            deb_version = f"{version}-{rng.randint(1, 5)}" + (
                f"+deb{release}u{rng.randint(1, 4)}" if release != "unstable" else ""
            )
            rels[codename] = {
                "status": "resolved" if fixed else "open",
                "repositories": {codename: deb_version},
                "urgency": urgency,
            }
            if fixed:
                rels[codename]["fixed_version"] = "0" if rng.random() < 0.03 else deb_version
            records += 1
            if fixed and rng.random() < 0.1:
                dsa_lines += [
                    f"[01 Jan 2020] DSA-{records}-1 {name} - security update",
                    f"\t{{{cve}}}",
                    f"\t[{codename}] - {name} {deb_version}",
                ]
        tracker[name][cve] = {
            "scope": "remote",
            "description": f"Synthetic issue in {name}.",
            "releases": rels,
        }
    target = out / "debian"
    target.mkdir(parents=True)
    (target / "debian.json").write_text(json.dumps(tracker))
    (target / "DSA").write_text("\n".join(dsa_lines) + "\n")
    return records


def write_ubuntu(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    target = out / "ubuntu"
    target.mkdir(parents=True)
    records = 0
    for i, releases in enumerate(_membership(rng, targets)):
        cve = vocab.cve()
        affected = []
        for release in releases:
            name, version = vocab.os_package()
            lts = ":LTS" if release.endswith(".04") and int(release[:2]) % 2 == 0 else ""
            eco = f"Ubuntu:{release}{lts}"
            fix = f"{version}-0ubuntu0.{release}.{rng.randint(1, 9)}"
            if rng.random() < 0.85:
                events = [{"introduced": "0"}, {"fixed": fix}]
                versions: list[str] = []
            else:
                events = [{"introduced": "0"}]
                versions = [f"{version}-{k}ubuntu{j}" for k in range(1, 3) for j in range(rng.randint(1, 4))]
            affected.append(
                {
                    "package": {
                        "ecosystem": eco,
                        "name": name,
                        "purl": f"pkg:deb/ubuntu/{name}@{fix}?arch=source&distro={UBUNTU_CODENAMES[release]}",
                    },
                    "ranges": [{"type": "ECOSYSTEM", "events": events}],
                    "versions": versions,
                }
            )
            records += 1
        doc = {
            "id": f"UBUNTU-{cve}",
            "schema_version": "1.6.3",
            "modified": "2024-01-01T00:00:00Z",
            "published": "2023-06-01T00:00:00Z",
            "aliases": [],
            "upstream": [cve],
            "details": f"Synthetic Ubuntu issue {i}.",
            "severity": [{"type": "Ubuntu", "score": rng.choice(SEVERITIES[:4])}],
            "affected": affected,
        }
        (target / f"UBUNTU-{cve}.json").write_text(json.dumps(doc))
    return records


def write_rhel(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    target = out / "rhel"
    target.mkdir(parents=True)
    records = 0
    for releases in _membership(rng, targets):
        cve = vocab.cve()
        affected_release, package_state = [], []
        for release in releases:
            for _ in range(vocab.n_packages()):
                name, version = vocab.os_package()
                roll = rng.random()
                if roll < 0.80:
                    advisory = f"RHSA-20{rng.randint(10, 24)}:{rng.randint(1000, 9999)}"
                    affected_release.append(
                        {
                            "product_name": f"Red Hat Enterprise Linux {release}",
                            "release_date": "2022-05-10T00:00:00Z",
                            "advisory": advisory,
                            "cpe": f"cpe:/o:redhat:enterprise_linux:{release}",
                            "package": f"{name}-{rng.choice('0001')}:{version}-{rng.randint(1, 40)}.el{release}",
                        }
                    )
                else:
                    state = rng.choice(["Will not fix", "Affected", "Not affected", "Out of support scope"])
                    package_state.append(
                        {
                            "product_name": f"Red Hat Enterprise Linux {release}",
                            "fix_state": state,
                            "package_name": name,
                            "cpe": f"cpe:/o:redhat:enterprise_linux:{release}",
                        }
                    )
            records += 1
        doc = {
            "name": cve,
            "threat_severity": rng.choice(["Low", "Moderate", "Important", "Critical"]),
            "public_date": "2022-01-01T00:00:00Z",
            "details": [f"Synthetic Red Hat issue {cve}."],
            "cvss3": {"cvss3_scoring_vector": rng.choice(vocab.cvss_vectors), "status": "verified"},
            "affected_release": affected_release,
            "package_state": package_state,
        }
        (target / cve).write_text(json.dumps(doc))
    return records


def write_alpine(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    target = out / "alpine"
    records = 0
    for release, count in targets.items():
        packages: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for _ in range(count):
            cve = vocab.cve()
            for _ in range(vocab.n_packages()):
                name, version = vocab.os_package()
                packages[name][f"{version}-r{rng.randint(0, 6)}"].append(cve)
            records += 1
        doc = {
            "distroversion": f"v{release}",
            "reponame": "main",
            "archs": ["x86_64", "aarch64"],
            "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
            "packages": [
                {"pkg": {"name": n, "secfixes": dict(fixes)}} for n, fixes in sorted(packages.items())
            ],
        }
        (target / f"v{release}").mkdir(parents=True)
        (target / f"v{release}" / "main.yaml").write_text(
            yaml.dump(doc, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
        )
    return records


def _elsa_definition(
    n: int, release: str, cves: list[str], packages: list[tuple[str, str]], severity: str
) -> Iterable[str]:
    elsa = f"ELSA-2020-{n:05d}"
    yield f'<definition id="oval:com.oracle.elsa:def:{n}" version="1" class="patch"><metadata><title>{elsa}: update ({severity})</title>'
    yield f'<affected family="unix"><platform>Oracle Linux {release}</platform></affected>'
    yield f'<reference source="elsa" ref_id="{elsa}" ref_url="https://linux.oracle.com/errata/{elsa}.html"/>'
    yield "".join(
        f'<reference source="CVE" ref_id="{c}" ref_url="https://linux.oracle.com/cve/{c}.html"/>'
        for c in cves
    )
    yield f'<description>Synthetic errata {elsa}.</description><advisory><severity>{severity}</severity><issued date="2020-01-01"/></advisory></metadata>'
    yield f'<criteria operator="AND"><criterion test_ref="oval:t:{n}:0" comment="Oracle Linux {release} is installed"/><criteria operator="OR">'
    for name, version in packages:
        yield f'<criterion test_ref="x" comment={quoteattr(f"{name} is earlier than 0:{version}.el{release}")}/>'
    yield "</criteria></criteria></definition>"


def write_oracle(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    target = out / "oracle"
    target.mkdir(parents=True)
    records = 0
    with (target / "com.oracle.elsa-all.xml").open("w") as fh:
        fh.write(
            '<?xml version="1.0"?><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions>'
        )
        for release, count in targets.items():
            for _ in range(count):
                records += 1
                pkgs = [vocab.os_package() for _ in range(vocab.n_packages())]
                cves = [vocab.cve() for _ in range(rng.randint(1, 3))]
                fh.write(
                    "".join(
                        _elsa_definition(
                            records,
                            release,
                            cves,
                            [(escape(n), v) for n, v in pkgs],
                            rng.choice(["MODERATE", "IMPORTANT", "LOW"]),
                        )
                    )
                )
        fh.write("</definitions></oval_definitions>")
    return records


def write_github(out: Path, vocab: Vocabulary, targets: dict[str, int]) -> int:
    rng = vocab.rng
    target = out / "github"
    target.mkdir(parents=True)
    records = 0
    for namespace, count in targets.items():
        eco = GITHUB_ECOSYSTEMS[f"github:{namespace}"]
        names = sorted(vocab.lang_versions.get(eco) or vocab.lang_versions["PyPI"])
        for _ in range(count):
            records += 1
            name = rng.choice(names)
            versions = sorted(
                set(vocab.lang_versions.get(eco, vocab.lang_versions["PyPI"]).get(name, ["1.0.0"]))
            )
            intro, fixed = rng.choice(versions), vocab.bump(rng.choice(versions))
            last = rng.random() < 0.05
            events = [{"introduced": intro}, {"last_affected" if last else "fixed": fixed}]
            explicit = versions[: rng.randint(1, 300)] if rng.random() < 0.3 else []
            ghsa = f"GHSA-{records:04x}-{rng.randint(0, 0xFFFF):04x}-{rng.randint(0, 0xFFFF):04x}"
            doc = {
                "schema_version": "1.4.0",
                "id": ghsa,
                "modified": "2024-01-01T00:00:00Z",
                "published": "2023-01-01T00:00:00Z",
                "aliases": [vocab.cve()],
                "summary": f"Synthetic advisory for {name}",
                "severity": [{"type": "CVSS_V3", "score": rng.choice(vocab.cvss_vectors)}],
                "affected": [
                    {
                        "package": {"ecosystem": eco, "name": name},
                        "ranges": [{"type": "ECOSYSTEM", "events": events}],
                        "versions": explicit,
                    }
                ],
                "database_specific": {
                    "severity": rng.choice(["LOW", "MODERATE", "HIGH", "CRITICAL"]),
                    "github_reviewed": True,
                },
            }
            (target / f"{ghsa}.json").write_text(json.dumps(doc))
    return records


def write_amazon(out: Path, vocab: Vocabulary, count: int) -> int:
    rng = vocab.rng
    target = out / "amazon"
    target.mkdir(parents=True)
    updates = []
    for n in range(count):
        pkgs = "".join(
            f'<package name={quoteattr(name)} epoch="0" version={quoteattr(version)} release="{rng.randint(1, 9)}.amzn2" arch="x86_64"/>'
            for name, version in (vocab.os_package() for _ in range(vocab.n_packages()))
        )
        refs = "".join(f'<reference href="https://x/{c}" id="{c}" type="cve"/>' for c in [vocab.cve()])
        updates.append(
            f'<update type="security"><id>ALAS2-2021-{n + 1000}</id><severity>{rng.choice(["low", "medium", "important", "critical"])}</severity>'
            f'<issued date="2021-03-01 10:00"/><description>Synthetic update</description><references>{refs}</references>'
            f"<pkglist><collection>{pkgs}</collection></pkglist></update>"
        )
    (target / "updateinfo.xml").write_text('<?xml version="1.0"?><updates>' + "".join(updates) + "</updates>")
    return count


def write_nvd(out: Path, vocab: Vocabulary, count: int, page_size: int = 2000) -> int:
    rng = vocab.rng
    target = out / "nvd"
    target.mkdir(parents=True)
    for start in range(0, count, page_size):
        items = []
        for _ in range(min(page_size, count - start)):
            configurations = json.loads(json.dumps(rng.choice(vocab.cpe_templates)))
            for config in configurations:
                for node in config.get("nodes", []):
                    for match in node.get("cpeMatch", []):
                        for key in ("versionEndExcluding", "versionEndIncluding", "versionStartIncluding"):
                            if key in match:
                                match[key] = vocab.bump(match[key])
            vector = rng.choice(vocab.cvss_vectors)
            items.append(
                {
                    "cve": {
                        "id": vocab.cve(),
                        "published": "2022-01-01T00:00:00.000",
                        "lastModified": "2023-01-01T00:00:00.000",
                        "vulnStatus": "Analyzed",
                        "descriptions": [{"lang": "en", "value": "Synthetic NVD entry."}],
                        "metrics": {
                            "cvssMetricV31": [
                                {
                                    "source": "nvd@nist.gov",
                                    "type": "Primary",
                                    "cvssData": {
                                        "version": "3.1",
                                        "vectorString": vector,
                                        "baseScore": 7.5,
                                        "baseSeverity": "HIGH",
                                    },
                                    "exploitabilityScore": 3.9,
                                    "impactScore": 3.6,
                                }
                            ]
                        },
                        "references": [],
                        "configurations": configurations,
                    }
                }
            )
        page = {
            "resultsPerPage": len(items),
            "startIndex": start,
            "totalResults": count,
            "format": "NVD_CVE",
            "version": "2.0",
            "vulnerabilities": items,
        }
        (target / f"page-{start:07d}.json").write_text(json.dumps(page))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--total", type=int, default=300_000)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out} is not empty")
    rng = random.Random(args.seed)
    vocab = Vocabulary(args.shared, rng)
    rng.shuffle(vocab.real_cves)
    targets = scaled_targets(args.shared, args.total)
    manifest = {
        "nvd": write_nvd(args.out, vocab, targets["nvd"]),
        "debian": write_debian(args.out, vocab, _by_prefix(targets, "debian")),
        "ubuntu": write_ubuntu(
            args.out, vocab, {k: v for k, v in _by_prefix(targets, "ubuntu").items() if k in UBUNTU_CODENAMES}
        ),
        "rhel": write_rhel(args.out, vocab, _by_prefix(targets, "rhel")),
        "alpine": write_alpine(args.out, vocab, _by_prefix(targets, "alpine")),
        "oracle": write_oracle(args.out, vocab, _by_prefix(targets, "ol")),
        "github": write_github(args.out, vocab, _by_prefix(targets, "github")),
        "amazon": write_amazon(args.out, vocab, targets.get("amzn:2", 1)),
    }
    (args.out / "manifest.json").write_text(json.dumps({"seed": args.seed, "records": manifest}, indent=2))
    print(json.dumps(manifest), "total", sum(manifest.values()))


if __name__ == "__main__":
    main()

"""Ownership by file overlap and de-duplication."""

from __future__ import annotations

from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import License, Location, Package, PackageType, Relationship
from drydock.analyzer.pkgfilter import OWNERSHIP, apply_ownership, dedupe, keep_relationships


def pkg(name: str, type_: PackageType, path: str, **kw) -> Package:
    return Package(name=name, version="1", type=type_, found_by="t", locations=[Location(path)], **kw)


def test_usrmerge_owned_language_package_is_dropped(tmp_path) -> None:
    (tmp_path / "usr/lib/python3/dist-packages/six").mkdir(parents=True)
    (tmp_path / "lib").symlink_to("usr/lib")
    resolver = DirectoryResolver(tmp_path)
    deb = pkg(
        "python3-six",
        PackageType.DEB,
        "/var/lib/dpkg/status",
        files=["/lib/python3/dist-packages/six/METADATA"],
    )
    owned = pkg("six", PackageType.PYTHON, "/usr/lib/python3/dist-packages/six/METADATA")
    free = pkg("requests", PackageType.PYTHON, "/app/requests/METADATA")
    kept, rels = apply_ownership([deb, owned, free], resolver, drop_owned=True)
    assert [p.name for p in kept] == ["python3-six", "requests"] and rels == []
    kept, rels = apply_ownership([deb, owned, free], resolver, drop_owned=False)
    assert len(kept) == 3 and rels == [Relationship(deb.id, owned.id, OWNERSHIP)]


def test_os_packages_are_never_dropped(tmp_path) -> None:
    a = pkg("a", PackageType.DEB, "/s", files=["/x"])
    b = pkg("b", PackageType.RPM, "/x", files=["/y"])
    kept, _ = apply_ownership([a, b], DirectoryResolver(tmp_path), drop_owned=True)
    assert kept == [a, b]


def test_dedupe_merges_cpes_and_licenses() -> None:
    one = pkg("x", PackageType.BINARY, "/bin/x", cpes=["c1"], licenses=[License("MIT")])
    two = pkg("x", PackageType.BINARY, "/bin/x", cpes=["c1", "c2"], licenses=[License("MIT"), License("BSD")])
    elsewhere = pkg("x", PackageType.BINARY, "/sbin/x")
    out = dedupe([one, two, elsewhere])
    assert (
        len(out) == 2 and out[0].cpes == ["c1", "c2"] and [l.value for l in out[0].licenses] == ["MIT", "BSD"]
    )


def test_relationships_to_dropped_packages_go() -> None:
    a, b = pkg("a", PackageType.NPM, "/a"), pkg("b", PackageType.NPM, "/b")
    rels = [
        Relationship(a.id, b.id, "dependency-of"),
        Relationship(a.id, "gone", "dependency-of"),
        Relationship(a.id, b.id, "dependency-of"),
    ]
    assert keep_relationships(rels, [a, b]) == [rels[0]]

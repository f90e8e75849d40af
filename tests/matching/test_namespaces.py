from __future__ import annotations

import pytest

from drydock.analyzer.model import Distro
from drydock.policy.matching.namespaces import NamespaceResolver


@pytest.mark.parametrize(
    ("distro", "expected"),
    [
        (Distro("debian", "12"), ["debian:12"]),
        (Distro("debian", None, version_codename="trixie"), ["debian:unstable"]),
        (Distro("ubuntu", "22.04"), ["ubuntu:22.04"]),
        (Distro("rhel", "9.3"), ["rhel:9"]),
        (Distro("centos", "7"), ["rhel:7"]),
        (Distro("rocky", "9.3"), ["rocky:9", "rhel:9"]),
        (Distro("almalinux", "8.9"), ["almalinux:8", "rhel:8"]),
        (Distro("alpine", "3.18.4"), ["alpine:3.18"]),
        (Distro("alpine", "3.19_alpha20230901"), ["alpine:edge"]),
        (Distro("amzn", "2023"), ["amzn:2023"]),
        (Distro("amzn", "2"), ["amzn:2"]),
        (Distro("ol", "9.2"), ["ol:9"]),
        (Distro("sles", "15.4"), ["sles:15.4", "sles:15"]),
        (Distro("wolfi", "20230201"), ["wolfi:rolling"]),
        (Distro("mariner", "2.0"), ["mariner:2.0", "mariner:2"]),
        (Distro("linuxmint", "21", id_like=("ubuntu", "debian")), []),
        (Distro("myos", "1", id_like=("rhel", "fedora")), ["rhel:1"]),
        (Distro("unknownos", "1"), []),
    ],
)
def test_candidates(distro: Distro, expected: list[str]) -> None:
    assert NamespaceResolver().candidates(distro) == expected


def test_eus_and_custom_mapping() -> None:
    assert NamespaceResolver(rhel_eus=True).candidates(Distro("rhel", "9.2")) == ["rhel:9.2+eus", "rhel:9"]
    resolver = NamespaceResolver(distro_map={"photon": "photon"})
    assert resolver.candidates(Distro("photon", "5.0")) == ["photon:5.0", "photon:5"]
    assert resolver.candidates(Distro("debian", "12")) == []


def test_no_distro() -> None:
    assert NamespaceResolver().candidates(None) == []

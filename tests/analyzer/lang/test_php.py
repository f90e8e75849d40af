"""PHP catalogers against every pkgdb/php fixture case."""

from __future__ import annotations

import pytest

from drydock.analyzer.catalogers.php import (
    ComposerInstalledCataloger,
    ComposerLockCataloger,
    PearCataloger,
    composer_purl,
    pear_purl,
)
from drydock.analyzer.catalogers.php_serialized import PhpUnserializeError, unserialize

from .fixture_support import (
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    run,
)

ECO = "php"
LOCK = ComposerLockCataloger()
INSTALLED = ComposerInstalledCataloger()
PEAR = PearCataloger()


@pytest.mark.parametrize("name", case_params(ECO))
def test_php_case(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        want = case["expectedMatchedPaths"]
        assert matched_paths(LOCK, root) == set(want["NewComposerLockCataloger"])
        assert matched_paths(INSTALLED, root) == set(want["NewComposerInstalledCataloger"])
        assert matched_paths(PEAR, root) == set(want["NewPearCataloger"]) == set(want["NewPeclCataloger"])
    elif name == "purl-generation-composer":
        for row in case["cases"]:
            assert composer_purl(row["packageName"], row["packageVersion"]) == row["expected"], row["name"]
    elif name == "purl-generation-pear":
        for row in case["cases"]:
            assert pear_purl(row["name"], row["channel"], row["version"]) == row["expected"], row["name"]
    else:
        config = {"php": {"legacy_pecl_type": case.get("parser") == "parsePecl"}}
        check_result(case, run([LOCK, INSTALLED, PEAR], root, config))


@pytest.mark.parametrize(
    "data",
    [b"a:99999999:{}", b's:5:"ab";', b"a:1:{i:0;" * 200 + b"}", b'O:3:"Foo":1:{s:1:"a";R:1;}', b""],
)
def test_unserialize_rejects_malformed(data: bytes) -> None:
    with pytest.raises(PhpUnserializeError):
        unserialize(data)

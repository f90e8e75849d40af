"""Ruby catalogers against every pkgdb/ruby fixture case."""

from __future__ import annotations

import pytest

from drydock.analyzer.catalogers.ruby import (
    GemfileLockCataloger,
    GemspecCataloger,
    gem_purl,
    parse_gemspec_fields,
    resolve_interpolations,
)

from .fixture_support import (
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    run,
)

ECO = "ruby"
LOCK = GemfileLockCataloger()
SPEC = GemspecCataloger()


@pytest.mark.parametrize("name", case_params(ECO))
def test_ruby_case(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        want = case["expectedMatchedPaths"]
        assert matched_paths(LOCK, root) == set(want["NewGemFileLockCataloger"])
        assert matched_paths(SPEC, root) == set(want["NewGemSpecCataloger"])
    elif name == "purl-generation":
        for row in case["cases"]:
            assert gem_purl(row["name"], row["version"]) == row["expected"]
    elif name == "gemspec-interpolation-table":
        for row in case["cases"]:
            got = resolve_interpolations(row["fields"])
            if row.get("wantDropped"):
                assert "homepage" not in got, row["name"]
            else:
                assert got["homepage"] == row["wantHomepage"], row["name"]
    else:
        check_result(case, run([LOCK, SPEC], root))


def test_gemspec_never_evaluates_code() -> None:
    text = 's.name = "evil#{`touch /tmp/x`}"\ns.version = "1.0"\ns.homepage = %q{x}\n'
    fields = resolve_interpolations(parse_gemspec_fields(text))
    assert "name" not in fields and fields["version"] == "1.0"


def test_gemspec_array_over_several_lines() -> None:
    text = 's.name = "x"\ns.version = "1"\ns.files = ["a.rb".freeze,\n    "b.rb".freeze]\ns.homepage = "h"\n'
    fields = parse_gemspec_fields(text)
    assert fields["files"] == ["a.rb", "b.rb"] and fields["homepage"] == "h"

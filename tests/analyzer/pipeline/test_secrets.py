"""Secret/content regex search: Anchore's defaults, line numbers, limits, binaries."""

from __future__ import annotations

import pytest

from drydock.analyzer.config import DEFAULT_SECRET_REGEXES
from drydock.analyzer.secrets import RegexSearcher, parse_named_regexes, required_literal

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"
SAMPLES = {
    "AWS_ACCESS_KEY": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
    "AWS_SECRET_KEY": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "PRIV_KEY": PEM,
    "DOCKER_AUTH": '{"auths": {"r.io": {"auth": "dXNlcjpwYXNz"}}}\n',
    "API_KEY": "MY_API_KEY = ABCDEFGHIJKLMNOPQRSTUV\n",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_default_regexes_find_their_secret(name: str) -> None:
    searcher = RegexSearcher(dict(DEFAULT_SECRET_REGEXES), 10_000)
    found = searcher.search("/f", ("# header\n" + SAMPLES[name]).encode())
    assert name in {m.name for m in found}
    match = next(m for m in found if m.name == name)
    assert match.lines[0] == 2 and match.regex == DEFAULT_SECRET_REGEXES[name]


def test_plain_text_has_no_matches() -> None:
    searcher = RegexSearcher(dict(DEFAULT_SECRET_REGEXES), 10_000)
    assert searcher.search("/f", b"aws_access_key_id is documented here\napi key rotation\n") == []


def test_every_matching_line_is_reported_once() -> None:
    searcher = RegexSearcher({"PW": r".*password\s*=\s*\S+"}, 10_000)
    data = b"password = a\nuser = b\npassword=c password=d\n"
    (m,) = searcher.search("/etc/app.conf", data)
    assert m.lines == [1, 3]


def test_binary_and_oversized_files_are_skipped() -> None:
    searcher = RegexSearcher(dict(DEFAULT_SECRET_REGEXES), 100)
    assert searcher.search("/bin/ssh", b"\x7fELF\0\0" + PEM.encode()) == []
    assert searcher.search("/big", PEM.encode() + b"x" * 200) == []
    assert not searcher.wants(101) and searcher.wants(100)


def test_regex_without_literal_still_runs() -> None:
    searcher = RegexSearcher({"DIGITS": r"\d{6}"}, 1000)
    assert required_literal(r"\d{6}") is None
    assert searcher.search("/f", b"abc\n123456\n")[0].lines == [2]


def test_case_sensitive_literal_respected() -> None:
    searcher = RegexSearcher({"EXACT": "TOKEN=[a-z]+"}, 1000)
    assert searcher.search("/f", b"token=abc\n") == []
    assert searcher.search("/f", b"TOKEN=abc\n")[0].lines == [1]


def test_invalid_regex_names_itself() -> None:
    with pytest.raises(ValueError, match="BROKEN"):
        RegexSearcher({"BROKEN": "(unclosed"}, 10)


def test_anchore_name_equals_regex_form() -> None:
    assert parse_named_regexes(["A=x=y", "B=(?i)z"]) == {"A": "x=y", "B": "(?i)z"}
    with pytest.raises(ValueError):
        parse_named_regexes(["no-separator"])

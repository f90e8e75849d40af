"""The content-driven triggers on one real analyzed image (tar layers with real modes, image
config and history, an apk database): the evidence the analyzer records is what the gates
read. Each trigger fires on this image and stays silent for parameters the image does not
meet; test_gates.py covers the remaining branches on crafted analyses."""

from __future__ import annotations

from hashlib import sha256

import pytest

from drydock.analyzer.analyze import analyze
from drydock.analyzer.catalogers.apk import ApkDBCataloger
from drydock.analyzer.config import AnalyzerConfig
from drydock.core.config import AnalyzerServiceSettings
from drydock.policy.context import ImageContext
from tests.analyzer.pipeline.imagekit import MemorySource, config_for, file, layer
from tests.policy.factory import context, fire
from tests.policy.pkgimages import apk_layer

PASSWD = b"root:x:0:0:root:/root:/bin/ash\nftp:x:21:21::/var/lib/ftp:/sbin/nologin\n"
HISTORY = [
    {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
    {"created_by": "/bin/sh -c #(nop)  EXPOSE 22/tcp", "empty_layer": True},
    {"created_by": "COPY app /app # buildkit"},
    {"created_by": "/bin/sh -c #(nop)  USER app", "empty_layer": True},
]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ImageContext:
    base = layer(
        *(
            file(path, data, mode=0o755)
            for path, data in sorted(apk_layer().items())
            if isinstance(data, bytes)
        ),
        file("etc/passwd", PASSWD),
        file("usr/bin/su", b"\x7fELF su", mode=0o4755),
    )
    app = layer(
        file("app/.env", "aws_access_key_id = AKIAABCDEFGHIJKLMNOP\n"),
        file("app/settings.txt", "debug=1\nTODO_MARKER here\n"),
        file("root/key.pem", "-----BEGIN CERTIFICATE-----\n"),
    )
    source = MemorySource(
        [base, app], config=config_for([base, app], HISTORY, User="app", ExposedPorts={"22/tcp": {}})
    )
    config = AnalyzerConfig(
        workers=1,
        scratch_dir=str(tmp_path_factory.mktemp("gates")),
        digest_algorithms=tuple(AnalyzerServiceSettings().file_digest_algorithms),
        content_regexes={"TODO": r".*TODO_MARKER"},
        catalogers=[ApkDBCataloger()],
        scanners=[],
    )
    return context(analyze(source, config))


def test_always_and_dockerfile(ctx: ImageContext) -> None:
    assert fire("always", "always", ctx) == ["always"]
    assert fire("dockerfile", "instruction", ctx, instruction="EXPOSE", check="exists")
    assert not fire("dockerfile", "instruction", ctx, instruction="VOLUME", check="exists")
    assert fire("dockerfile", "exposed_ports", ctx, ports="22", type="blacklist")
    assert not fire("dockerfile", "exposed_ports", ctx, ports="8080", type="blacklist")
    assert fire("dockerfile", "effective_user", ctx, users="app", type="blacklist")
    assert not fire("dockerfile", "effective_user", ctx, users="app", type="whitelist")
    assert fire("dockerfile", "no_dockerfile_provided", ctx)


def test_files(ctx: ImageContext) -> None:
    assert fire("files", "name_match", ctx, regex=r".*\.pem")
    assert not fire("files", "name_match", ctx, regex=r".*\.crt")
    assert fire("files", "suid_or_guid_set", ctx) == [
        "SUID or SGID found set on file /usr/bin/su. Mode: 04755"
    ]
    digest = sha256(PASSWD).hexdigest()
    equal = {"filename": "/etc/passwd", "checksum": digest, "checksum_algorithm": "sha256"}
    assert fire("files", "attribute_match", ctx, checksum_match="equals", mode="00644", **equal)
    assert not fire("files", "attribute_match", ctx, checksum_match="not_equals", **equal)
    assert fire("files", "content_regex_match", ctx, regex_name="TODO")
    assert not fire("files", "content_regex_match", ctx, regex_name="FIXME")


def test_secrets_passwd_and_retrieved_files(ctx: ImageContext) -> None:
    assert fire("secret_scans", "content_regex_checks", ctx, content_regex_name="AWS_ACCESS_KEY")
    assert not fire("secret_scans", "content_regex_checks", ctx, filename_regex="/etc/.*")
    assert fire("passwd_file", "blacklist_usernames", ctx, user_names="ftp")
    assert not fire("passwd_file", "blacklist_usernames", ctx, user_names="games")
    assert fire("passwd_file", "blacklist_shells", ctx, shells="/sbin/nologin")
    assert not fire("passwd_file", "content_not_available", ctx)
    assert fire("retrieved_files", "content_regex", ctx, path="/etc/passwd", regex="ftp:x:21:", check="match")
    assert not fire(
        "retrieved_files", "content_regex", ctx, path="/etc/passwd", regex="games:", check="match"
    )
    assert not fire("retrieved_files", "content_not_available", ctx, path="/etc/passwd")
    assert fire("retrieved_files", "content_not_available", ctx, path="/etc/shadow")


def test_metadata_licenses_and_packages(ctx: ImageContext) -> None:
    assert fire("metadata", "attribute", ctx, attribute="distro", check="=", value="alpine")
    assert not fire("metadata", "attribute", ctx, attribute="distro", check="=", value="debian")
    assert fire("metadata", "attribute", ctx, attribute="layer_count", check="=", value="2")
    assert fire("licenses", "blacklist_exact_match", ctx, licenses="MIT")
    assert not fire("licenses", "blacklist_exact_match", ctx, licenses="GPL-2.0-only")
    assert not fire("packages", "required_package", ctx, name="demo-tool")
    assert fire("packages", "required_package", ctx, name="bash")
    assert fire("packages", "blacklist", ctx, name="demo-tool") == ["Package is blacklisted: demo-tool"]
    assert not fire("packages", "verify", ctx)

"""The classifier table: which files may be which runtime, and how their version is read.

Names, globs, PURLs and CPE vendor/product pairs follow syft's default binary classifiers so
that SBOMs and vulnerability matching line up with syft/grype output. Order matters: it is
the order classifiers are tried in and the order their matches are listed in a package.
The table is built once per process (``default_classifiers`` is cached) so every regex is
compiled once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from drydock.analyzer.catalogers.binary.matchers import (
    Matcher,
    all_of,
    alternatives,
    any_of,
    branching,
    contents,
    contents_before,
    contents_has,
    filename_template,
    last_on_first_line,
    none_of,
    path_glob,
    shared_library,
    supporting,
)


@dataclass(frozen=True, slots=True)
class Identity:
    """What a match means: classifier name, package name, PURL prefix (``pkg:type/ns/name``,
    the version is appended) and CPE ``vendor:product`` pairs."""

    cls: str
    package: str
    purl: str
    cpes: tuple[str, ...]
    matcher: Matcher


@dataclass(frozen=True, slots=True)
class Classifier:
    identity: Identity
    globs: tuple[str, ...]


def _c(
    cls: str, globs: str | tuple[str, ...], matcher: Matcher, package: str, purl: str, *cpes: str
) -> Classifier:
    globs_t = (globs,) if isinstance(globs, str) else globs
    return Classifier(Identity(cls, package, purl, cpes, matcher), globs_t)


def _branch(cls: str, globs: str, *choices: Identity) -> Classifier:
    return Classifier(Identity(cls, "", "", (), branching(*choices)), (globs,))


# Go reads invalid UTF-8 as U+FFFD; a byte regex has to accept the raw high byte instead.
_FFFD = rb"(?:\xef\xbf\xbd|[\x80-\xff])"
_PY_TEMPLATE = rb"(?m)\x00(?P<version>{{ .version }}[-._a-zA-Z0-9]*)\x00"
_OTP = rb"(?P<version>[0-9]+\.[0-9]+(\.[0-9]+){0,2}(-rc[0-9])?)"
_MYSQL_V = rb"(?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?(alpha[0-9]|beta[0-9]|rc[0-9])?)"
_ISTIO_V = rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-alpha\.[0-9]+|-beta\.[0-9]+|-rc\.[0-9]+|-dev)?)"
_JULIA_V = rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)"
_HELM_V = rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-alpha\.[0-9]|-beta\.[0-9]|-rc\.[0-9])?)"
_GRAFANA_SUFFIX = rb"(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?"
_INGRESS_V = rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\-(alpha|beta)\.[0-9])?)"
_GO_HINT = rb"(?m)go(?P<version>[0-9]+\.[0-9]+(\.[0-9]+|beta[0-9]+|alpha[0-9]+|rc[0-9]+|-[_0-9a-z]+)?)"
_ELIXIR_V = rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:-[a-z0-9]+(?:\.[0-9]+)?)?)"
_PYTHON_CPES = ("python_software_foundation:python", "python:python")


def _libpython() -> Matcher:
    return filename_template(r"(?:.*/|^)libpython(?P<version>[0-9]+(?:\.[0-9]+)+)[a-z]?\.so.*$", _PY_TEMPLATE)


def _ruby() -> Matcher:
    return contents(rb"(?m)ruby (?P<version>[0-9]+\.[0-9]+\.[0-9]+((p|preview|rc|dev)[0-9]*)?) ")


def _otp_paths() -> list[bytes]:
    return [rb"(?m)/src/otp_src_" + _OTP + rb"/erts/", rb"(?m)/usr/local/src/otp-" + _OTP + rb"/erts/"]


def _istio() -> Matcher:
    return alternatives(
        rb"[0-9]\.[0-9]+\.[0-9]+\x00+" + _ISTIO_V + rb"\x00+",
        rb"Clean\x00+" + _ISTIO_V + rb"\x00+",
        rb"Modified\x00+(?P<version>[0-9]+\.[0-9]+-dev)\x00+",
        rb"(?s)" + _ISTIO_V + rb"\x00+.{1,100}S?=v<y5",
    )


def _mysql_cluster_gpl() -> Matcher:
    return contents(rb"/mysql-cluster-gpl-" + _MYSQL_V + rb"/")


def _beat(name: str) -> Classifier:
    """Elastic beats share libbeat's string table; the version sits next to a few fixed words."""
    return _c(
        f"{name}-binary",
        f"**/{name}",
        alternatives(
            rb"setupTest (?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
            rb"rate(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-9765625",
            rb"plugin(?P<version>[0-9]+\.[0-9]+\.[0-9]+)global",
        ),
        name,
        f"pkg:generic/{name}",
        f"elastic:{name}",
    )


def _general_classifiers() -> list[Classifier]:
    libpython = _libpython()
    ruby = _ruby()
    return [
        _c(
            "python-binary",
            "**/python*",
            any_of(
                shared_library(r"^libpython[0-9]+(?:\.[0-9]+)+[a-z]?\.so.*$", libpython),
                filename_template(r"(?:.*/|^)python(?P<version>[0-9]+(?:\.[0-9]+)+)$", _PY_TEMPLATE),
            ),
            "python",
            "pkg:generic/python",
            *_PYTHON_CPES,
        ),
        _c(
            "python-binary-lib", "**/libpython*.so*", libpython, "python", "pkg:generic/python", *_PYTHON_CPES
        ),
        _c(
            "pypy-binary-lib",
            "**/libpypy*.so*",
            contents(rb"(?m)\[PyPy (?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "pypy",
            "pkg:generic/pypy",
        ),
        _c(
            "go-binary",
            "**/{go,go.exe}",
            any_of(
                contents(
                    rb"(?m)go(?P<version>[0-9]+\.[0-9]+(\.[0-9]+|beta[0-9]+|alpha[0-9]+|rc[0-9]+)?)\x00"
                ),
                supporting("VERSION*", contents(_GO_HINT)),
                supporting("../VERSION*", contents(_GO_HINT)),
            ),
            "go",
            "pkg:generic/go",
            "golang:go",
        ),
        _c(
            "julia-binary",
            "**/libjulia-internal.so",
            alternatives(
                rb"\x00__init__\x00" + _JULIA_V + rb"\x00(branch|verify_methods)",
                _JULIA_V + rb"\x00branch\x00",
                rb"\x00verify_methods\x00.{0,30}" + _JULIA_V + rb"\x00BigInt",
                rb"\x00" + _JULIA_V + rb"\x00julia version",
            ),
            "julia",
            "pkg:generic/julia",
            "julialang:julia",
        ),
        _c(
            "julia-binary",
            "**/julia",
            shared_library(
                r"^libjulia\.so(\.[0-9])?(\.[0-9])?$",
                alternatives(
                    rb"\x00" + _JULIA_V + rb"\x00julia version",
                    rb"\x00#kw#\x00" + _JULIA_V + rb"\x00(BigInt|_require_dependencies)",
                    rb"\x00ObjectIdDict\x00" + _JULIA_V + rb"\x00jl_sysimg_cpu_target",
                    rb"\x00require\x00" + _JULIA_V + rb"\x00core2",
                ),
            ),
            "julia",
            "pkg:generic/julia",
            "julialang:julia",
        ),
        _c(
            "helm",
            "**/helm",
            alternatives(
                rb"\x00v" + _HELM_V + rb"\x00{2,}",
                rb"v" + _HELM_V + rb"\x00+.{1,500}go[0-9]+\.[0-9]+\.[0-9]+\x00+",
                rb"\x00v" + _HELM_V + rb"\x00",
                rb"@v" + _HELM_V + rb"\x00",
            ),
            "helm",
            "pkg:golang/helm.sh/helm",
            "helm:helm",
        ),
        _c(
            "redis-binary",
            "**/redis-server",
            all_of(
                none_of(path_glob("**/valkey-server")),
                alternatives(
                    rb"[^\d](?P<version>\d+.\d+\.\d+)buildkitsandbox-\d+",
                    rb"[^\d](?P<version>[0-9]+\.[0-9]+\.[0-9]+)\w{12}-\d+",
                    rb"Redis version (?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                ),
            ),
            "redis",
            "pkg:generic/redis",
            "redislabs:redis",
            "redis:redis",
        ),
        _c(
            "valkey-binary",
            "**/valkey-server",
            contents(rb"[^\d](?P<version>\d+.\d+\.\d+)buildkitsandbox-\d+"),
            "valkey",
            "pkg:generic/valkey",
            "lfprojects:valkey",
            "linuxfoundation:valkey",
            "valkey-io:valkey",
        ),
        _c(
            "nodejs-binary",
            "**/node",
            alternatives(
                rb"(?m)\x00(node )?v(?P<version>(0|4|5|6)\.[0-9]+\.[0-9]+)\x00",
                rb"(?m)node\.js\/v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
            ),
            "node",
            "pkg:generic/node",
            "nodejs:node.js",
        ),
        _c(
            "bun-binary",
            "**/bun",
            alternatives(
                rb"Bun v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\s",
                rb"\sbun-(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\s",
            ),
            "bun",
            "pkg:generic/bun",
            "oven:bun",
        ),
        _c(
            "busybox-binary",
            "**/busybox",
            contents(rb"(?m)BusyBox\s+v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "busybox",
            "pkg:generic/busybox",
            "busybox:busybox",
        ),
        _c(
            "util-linux-binary",
            "**/getopt",
            contents(rb"\x00util-linux\s(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00"),
            "util-linux",
            "pkg:generic/util-linux",
            "kernel:util-linux",
        ),
        _c(
            "haproxy-binary",
            "**/haproxy",
            alternatives(
                rb"(?m)version (?P<version>[0-9]+\.[0-9]+(\.|-dev|-rc)[0-9]+)(-[a-z0-9]{7})?, released 20",
                rb"(?m)HA-Proxy version (?P<version>[0-9]+\.[0-9]+(\.|-dev)[0-9]+)",
                rb"(?m)(?P<version>[0-9]+\.[0-9]+(\.|-dev)[0-9]+)-[0-9a-zA-Z]{7}.+HAProxy version",
            ),
            "haproxy",
            "pkg:generic/haproxy",
            "haproxy:haproxy",
        ),
        _c(
            "perl-binary",
            "**/perl",
            contents(rb"(?m)\/usr\/local\/lib\/perl\d\/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "perl",
            "pkg:generic/perl",
            "perl:perl",
        ),
        _c(
            "php-composer-binary",
            "**/composer*",
            contents(
                rb"(?m)'pretty_version'\s*=>\s*'(?P<version>[0-9]+\.[0-9]+\.[0-9]+(beta[0-9]+|alpha[0-9]+|RC[0-9]+)?)'"
            ),
            "composer",
            "pkg:generic/composer",
            "getcomposer:composer",
        ),
        _c(
            "httpd-binary",
            "**/httpd",
            contents(rb"(?m)Apache\/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "httpd",
            "pkg:generic/httpd",
            "apache:http_server",
        ),
        _c(
            "memcached-binary",
            "**/memcached",
            contents(rb"(?m)memcached\s(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "memcached",
            "pkg:generic/memcached",
            "memcached:memcached",
        ),
        _c(
            "traefik-binary",
            "**/traefik",
            contents(
                rb"(?m)(\x00v?|"
                + _FFFD
                + rb".?)(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00"
            ),
            "traefik",
            "pkg:generic/traefik",
            "traefik:traefik",
        ),
        _c(
            "arangodb-binary",
            "**/arangosh",
            contents(rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+)?)\s(enterprise\s)?\[linux\]"),
            "arangodb",
            "pkg:generic/arangodb",
            "arangodb:arangodb",
        ),
        _c(
            "postgresql-binary",
            "**/postgres",
            contents(
                rb"(?m)(\x00|\?)PostgreSQL (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?(alpha[0-9]|beta[0-9]|rc[0-9])?)"
            ),
            "postgresql",
            "pkg:generic/postgresql",
            "postgresql:postgresql",
        ),
        _c(
            "mysql-binary",
            "**/mysql",
            any_of(
                contents(rb"\x00" + _MYSQL_V + rb"\x00+mysql"), last_on_first_line(rb"/mysql-" + _MYSQL_V)
            ),
            "mysql",
            "pkg:generic/mysql",
            "oracle:mysql",
        ),
        _c(
            "mysql-binary",
            "**/mysql",
            last_on_first_line(rb"/percona-server-" + _MYSQL_V),
            "percona-server",
            "pkg:generic/percona-server",
            "oracle:mysql",
            "percona:percona_server",
        ),
        _c(
            "mysql-binary",
            "**/mysql",
            last_on_first_line(rb"/Percona-XtraDB-Cluster-" + _MYSQL_V),
            "percona-xtradb-cluster",
            "pkg:generic/percona-xtradb-cluster",
            "oracle:mysql",
            "percona:percona_server",
            "percona:xtradb_cluster",
        ),
        _c(
            "mysqld-mysql-cluster-legacy-binary",
            "**/mysqld",
            contents(
                rb"cluster-gpl\x00(?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?)\-ndb\-[0-9]+(\.[0-9]+)?(\.[0-9]+)?"
            ),
            "mysql-server",
            "pkg:generic/mysql-server",
            "oracle:mysql",
            "oracle:mysql_server",
        ),
        _branch(
            "mysqld-binary",
            "**/mysqld",
            Identity(
                "mysqld-mysql-cluster-legacy-binary",
                "mysql-cluster",
                "pkg:generic/mysql-cluster",
                ("oracle:mysql_cluster",),
                contents(
                    rb"cluster-gpl\x00[0-9]+(\.[0-9]+)?(\.[0-9]+)?\-ndb\-(?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?)"
                ),
            ),
            Identity(
                "mysqld-mysql-cluster-binary",
                "mysql-cluster",
                "pkg:generic/mysql-cluster",
                ("oracle:mysql", "oracle:mysql_server", "oracle:mysql_cluster"),
                _mysql_cluster_gpl(),
            ),
            Identity(
                "mysqld-mysql-server-binary",
                "mysql-server",
                "pkg:generic/mysql-server",
                ("oracle:mysql", "oracle:mysql_server"),
                contents(rb"/mysql-" + _MYSQL_V + rb"/"),
            ),
        ),
        *(
            _c(
                f"{name}-binary",
                f"**/{name}",
                _mysql_cluster_gpl(),
                "mysql-cluster",
                "pkg:generic/mysql-cluster",
                "oracle:mysql_cluster",
            )
            for name in ("ndbd", "ndbmtd", "ndb_mgmd")
        ),
        _c(
            "xtrabackup-binary",
            "**/xtrabackup",
            last_on_first_line(rb"/percona-xtrabackup-" + _MYSQL_V),
            "percona-xtrabackup",
            "pkg:generic/percona-xtrabackup",
            "percona:xtrabackup",
        ),
        _c(
            "mariadb-binary",
            "**/{mariadb,mysql}",
            alternatives(rb"(?m)" + _MYSQL_V + rb"-MariaDB", rb"(?m)(?:^|/)mariadb-" + _MYSQL_V + rb"-"),
            "mariadb",
            "pkg:generic/mariadb",
            "mariadb:mariadb",
        ),
        _c(
            "rust-standard-library-linux",
            "**/libstd-????????????????.so",
            contents(
                rb"(?m)(\x00)clang LLVM \(rustc version (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)) \(\w+ \d{4}\-\d{2}\-\d{2}\)"
            ),
            "rust",
            "pkg:generic/rust",
            "rust-lang:rust",
        ),
        _c(
            "rust-standard-library-macos",
            "**/libstd-????????????????.dylib",
            contents(rb"(?m)c (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)) \(\w+ \d{4}\-\d{2}\-\d{2}\)"),
            "rust",
            "pkg:generic/rust",
            "rust-lang:rust",
        ),
        _c(
            "ruby-binary",
            "**/ruby",
            any_of(ruby, shared_library(r"^libruby\.so.*$", ruby)),
            "ruby",
            "pkg:generic/ruby",
            "ruby-lang:ruby",
        ),
        _c(
            "erlang-binary",
            "**/erlexec",
            alternatives(*_otp_paths()),
            "erlang",
            "pkg:generic/erlang",
            "erlang:erlang\\/otp",
        ),
        _c(
            "erlang-alpine-binary",
            "**/beam.smp",
            alternatives(
                *_otp_paths(),
                rb"\x00" + _OTP + rb"\x00+Erlang/OTP",
                rb"(?s)Erlang/OTP.{1,150}\x00+" + _OTP + rb"\x00+",
            ),
            "erlang",
            "pkg:generic/erlang",
            "erlang:erlang\\/otp",
        ),
        _c(
            "erlang-library",
            "**/liberts_internal.a",
            alternatives(*_otp_paths()),
            "erlang",
            "pkg:generic/erlang",
            "erlang:erlang\\/otp",
        ),
        _c(
            "swipl-binary",
            "**/swipl",
            contents(rb"(?m)swipl-(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\/"),
            "swipl",
            "pkg:generic/swipl",
            "erlang:erlang\\/otp",
        ),
        _c(
            "dart-binary",
            "**/dart",
            contents(rb"(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+(\.[0-9]+)?\.beta)?) "),
            "dart",
            "pkg:generic/dart",
            "dart:dart_software_development_kit",
        ),
        _c(
            "deno-binary",
            "**/deno",
            alternatives(
                rb"Deno/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"deno-[0-9a-z]{40}release/v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"deno-[0-9a-z]{40}(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"deno-canary/[0-9a-f]{40}(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+)[0-9a-z]{40}DENO",
            ),
            "deno",
            "pkg:generic/deno",
            "deno:deno",
        ),
        _c(
            "haskell-ghc-binary",
            "**/ghc*",
            alternatives(
                rb"(?m)\x00GHC (?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00",
                rb"\x00libHSghc\-(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\-([a-zA-Z0-9]+\-)?ghc[0-9]+\.[0-9]+\.[0-9]+\.so\x00",
            ),
            "haskell/ghc",
            "pkg:generic/haskell/ghc",
            "haskell:ghc",
        ),
        _c(
            "haskell-cabal-binary",
            "**/cabal",
            alternatives(
                rb"(?m)\x00Cabal-(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?)-",
                rb"\x00.{0,50}cabal\-install\-(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?)\-[a-zA-Z0-9]+\x00+",
            ),
            "haskell/cabal",
            "pkg:generic/haskell/cabal",
            "haskell:cabal",
        ),
        _c(
            "haskell-stack-binary",
            "**/stack",
            contents(rb"(?m)Version\s*(?P<version>[0-9]+\.[0-9]+\.[0-9]+),\s*Git"),
            "haskell/stack",
            "pkg:generic/haskell/stack",
            "haskell:stack",
        ),
        _c(
            "consul-binary",
            "**/consul",
            alternatives(
                rb"CONSUL_VERSION: (?P<version>\d+\.\d+\.\d+)",
                rb'GitDescribe=(?P<version>\d+\.\d+\.\d+)"',
                rb"\x00v(?P<version>\d+\.\d+\.\d+)\x00+",
            ),
            "consul",
            "pkg:golang/github.com/hashicorp/consul",
            "hashicorp:consul",
        ),
        _c(
            "hashicorp-vault-binary",
            "**/vault",
            alternatives(
                rb"(?m)revoke(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"state(?P<version>[0-9]+\.[0-9]+\.[0-9]+\-rc[0-9])",
                rb"016x(?P<version>1.1[1,3,4].[0-9]{1,2})",
                rb"\x00(?P<version>1\.[0-9][0,1]?\.[0-9]+)\x00+",
            ),
            "github.com/hashicorp/vault",
            "pkg:golang/github.com/hashicorp/vault",
            "hashicorp:vault",
        ),
        _c(
            "nginx-binary",
            "**/nginx",
            contents(
                rb"(?m)(\x00|\?)nginx version: [^\/]+\/(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:\+\d+)?(?:-\d+)?)"
            ),
            "nginx",
            "pkg:generic/nginx",
            "f5:nginx",
            "nginx:nginx",
        ),
        _c(
            "bash-binary",
            "**/bash",
            contents(rb"(?m)@\(#\)Bash version (?P<version>[0-9]+\.[0-9]+\.[0-9]+)\([0-9]\) [a-z0-9]+ GNU"),
            "bash",
            "pkg:generic/bash",
            "gnu:bash",
        ),
        _branch(
            "openssl-binary",
            "**/openssl",
            Identity(
                "openssl-binary-aws-lc",
                "aws-lc",
                "pkg:generic/aws-lc",
                ("amazon:aws_libcrypto",),
                contents(rb"AWS-LC (?P<version>[0-9]+\.[0-9]+\.[0-9]+)\)\x00"),
            ),
            Identity(
                "openssl-binary",
                "openssl",
                "pkg:generic/openssl",
                ("openssl:openssl",),
                contents(
                    rb"\x00OpenSSL (?P<version>[0-9]+\.[0-9]+\.[0-9]+([a-z]+|-alpha[0-9]|-beta[0-9]|-rc[0-9])?)"
                ),
            ),
        ),
        _c(
            "openldap-search-binary",
            "**/ldapsearch",
            contents(rb"\$OpenLDAP:\sldapsearch\s(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "openldap",
            "pkg:generic/openldap",
            "openldap:openldap",
        ),
        _c(
            "qt-qtbase-lib",
            "**/libQt*Core.so*",
            alternatives(
                rb"\x00\x00Qt (?P<version>[0-9]+\.[0-9]+\.[0-9]+) \(",
                rb"QtCore library version (?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
            ),
            "qtbase",
            "pkg:generic/qtbase",
            "qt:qt",
            "qt:qtbase",
        ),
        _c(
            "gcc-binary",
            "**/gcc",
            contents(rb"GCC: \(GNU\) (?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "gcc",
            "pkg:generic/gcc",
            "gnu:gcc",
        ),
        _c(
            "fluent-bit-binary",
            "**/fluent-bit",
            contents(
                rb"\x00(\x00)?(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00(\x1b\[1m\x00|\x00|\x00\x00)?(%s)?Fluent"
            ),
            "fluent-bit",
            "pkg:github/fluent/fluent-bit",
            "treasuredata:fluent_bit",
        ),
        _c(
            "wordpress-cli-binary",
            "**/wp",
            contents(rb"(?m)wp-cli/wp-cli (?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "wp-cli",
            "pkg:generic/wp-cli",
            "wp-cli:wp-cli",
        ),
        _c(
            "curl-binary",
            "**/curl",
            contents(rb"curl/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"),
            "curl",
            "pkg:generic/curl",
            "haxx:curl",
        ),
        _c(
            "lighttpd-binary",
            "**/lighttpd",
            contents(rb"\x00lighttpd/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00"),
            "lighttpd",
            "pkg:generic/lighttpd",
            "lighttpd:lighttpd",
        ),
        _c(
            "proftpd-binary",
            "**/proftpd",
            contents(rb"\x00ProFTPD Version (?P<version>[0-9]+\.[0-9]+\.[0-9]+[a-z]?)\x00"),
            "proftpd",
            "pkg:generic/proftpd",
            "proftpd:proftpd",
        ),
        _c(
            "zstd-binary",
            "**/zstd",
            contents(rb"\x00v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00"),
            "zstd",
            "pkg:generic/zstd",
            "facebook:zstandard",
        ),
        _c(
            "xz-binary",
            "**/xz",
            contents(rb"\x00xz \(XZ Utils\) (?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00"),
            "xz",
            "pkg:generic/xz",
            "tukaani:xz",
        ),
        # a busybox applet named gzip carries BusyBox's own strings; it is not GNU gzip
        _c(
            "gzip-binary",
            "**/gzip",
            all_of(
                none_of(contents(rb"BusyBox v(?P<version>[0-9.]+)")),
                contents(rb"\x00(?P<version>[0-9]+\.[0-9]+)\x00"),
            ),
            "gzip",
            "pkg:generic/gzip",
            "gnu:gzip",
        ),
        _c(
            "sqlcipher-binary",
            "**/sqlcipher",
            contents(rb"[^0-9]\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00"),
            "sqlcipher",
            "pkg:generic/sqlcipher",
            "zetetic:sqlcipher",
        ),
        _c(
            "jq-binary",
            "**/jq",
            contents(rb"\x00(?P<version>[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]+)?)\x00"),
            "jq",
            "pkg:generic/jq",
            "jqlang:jq",
        ),
        _c(
            "chrome-binary",
            "**/chrome",
            contents(rb"\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\x00Default"),
            "chrome",
            "pkg:generic/chrome",
            "google:chrome",
        ),
        _c(
            "firefox-binary",
            "**/firefox",
            all_of(
                contents_has(b"\x7fELF"),
                supporting(
                    "application.ini",
                    contents(
                        rb"(?m)^Name=Firefox\s*$",
                        rb"(?m)^Version=(?P<version>[0-9]+(\.[0-9]+)+[a-z0-9]*)\s*$",
                    ),
                ),
            ),
            "firefox",
            "pkg:generic/firefox",
            "mozilla:firefox",
        ),
        _c(
            "ffmpeg-binary",
            "**/ffmpeg",
            contents(rb"(?m)%s version (?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)"),
            "ffmpeg",
            "pkg:generic/ffmpeg",
            "ffmpeg:ffmpeg",
        ),
        _c(
            "ffmpeg-library",
            "**/libav*",
            alternatives(
                rb"(?m)FFmpeg version (?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)",
                rb"(?m)Lavc(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
                rb"(?m)Lavf(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
            ),
            "ffmpeg",
            "pkg:generic/ffmpeg",
            "ffmpeg:ffmpeg",
        ),
        _c(
            "ffmpeg-library",
            "**/libswresample*",
            contents(rb"(?m)FFmpeg version (?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)"),
            "ffmpeg",
            "pkg:generic/ffmpeg",
            "ffmpeg:ffmpeg",
        ),
        _c(
            "elixir-binary",
            "**/elixir",
            contents(rb"(?m)ELIXIR_VERSION=" + _ELIXIR_V),
            "elixir",
            "pkg:generic/elixir",
            "elixir-lang:elixir",
        ),
        _c(
            "elixir-library",
            "**/elixir/ebin/elixir.app",
            contents(rb'(?m)\{vsn,"' + _ELIXIR_V + rb'"\}'),
            "elixir",
            "pkg:generic/elixir",
            "elixir-lang:elixir",
        ),
        _c(
            "istio-binary",
            "**/pilot-discovery",
            _istio(),
            "pilot-discovery",
            "pkg:generic/istio",
            "istio:istio",
        ),
        _c("istio-binary", "**/pilot-agent", _istio(), "pilot-agent", "pkg:generic/istio", "istio:istio"),
        _c(
            "grafana-binary",
            "**/grafana",
            alternatives(
                rb"\x00(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+\-[0-9]{6,})\x00+",
                rb"\x00release-(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+" + _GRAFANA_SUFFIX + rb"\x00+",
                rb"(?s)\x00go1\.[0-9]+\.[0-9]+\x00+(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+"
                + _GRAFANA_SUFFIX
                + rb"\x00+.{1,500}\+DT",
                rb"(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+" + _GRAFANA_SUFFIX + rb"\x00+\$a",
                rb"\x00.(?P<version>10\.[0-9]+\.[0-9]+" + _GRAFANA_SUFFIX + rb"\x00",
                rb"(?s)(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+"
                + _GRAFANA_SUFFIX
                + rb"\x00+.{1,100}\x00go1\.[0-9]+\.[0-9]+\x00.{1,100}\+DT",
                rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+" + _GRAFANA_SUFFIX + rb"\x00+v[0-9]+\.[0-9]+\.x\x00+",
                rb"HEAD\x00+.*\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+" + _GRAFANA_SUFFIX + rb"\x00+",
                rb"[a-z0-9]\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+"
                + _GRAFANA_SUFFIX
                + rb"\x00+\/usr\/local\/go",
            ),
            "grafana",
            "pkg:generic/grafana",
            "grafana:grafana",
        ),
        _c(
            "grafana-binary",
            "**/grafana-server",
            any_of(
                alternatives(
                    rb"[a-z0-9]\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00+\/usr\/local\/go",
                    rb"HEAD\x00+.*\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00+",
                ),
                # syft: (?s)\x00+(version)\x00+.*\x00+.{1,1000}\x00+/u, i.e. a NUL-delimited version
                # somewhere before the last "\x00/u"
                contents_before(rb"\x00(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00", b"\x00/u"),
            ),
            "grafana",
            "pkg:generic/grafana",
            "grafana:grafana",
        ),
        _c(
            "envoy-binary",
            "**/envoy",
            alternatives(
                rb"(?s)\x00(?P<version>1\.3[0-9]\.[0-9]+(-dev)?)\x00.{0,1000}envoy_reloadable_features",
                rb"(?s)\x00(?P<version>1\.34\.5)\x00.{0,200}envoy\.reloadable_features",
                rb"(?s)envoy_quic_.{0,1000}\x00(?P<version>1\.2[0-9]\.[0-9]+(-dev)?)\x00",
                rb"(?s)\x00(?P<version>1\.[12][0-9]\.[0-9]+(-dev)?)\x00.{0,1000}Unable to",
                rb"(?s)\x00(?P<version>1\.2[0-9]\.[0-9]+(-dev)?)\x00.{0,580}ValidationError",
                rb"(?s)\x00(?P<version>1\.1[0-9]\.[0-9]+(-dev)?)\x00.{0,1000}ValidationError",
                rb"(?s)\[source/.{0,200}\x00(?P<version>1\.1[0-9]\.[0-9]+(-dev)?)\x00",
                rb"(?s)\x00(?P<version>1\.[0-9]\.[0-9]+(-dev)?)\x00.{0,20}RELEASE",
                # the version string followed by one of envoy's own neighbouring strings
                rb"\x00(?P<version>1\.[0-9]+\.[0-9]+(-dev)?)\x00(\(\[\\d\]\+\)|source/common/|envoy/extensions/"
                rb"|envoy_quiche_|external/com_github|TLS client|Extract called|enable read, fd)",
            ),
            "envoy",
            "pkg:generic/envoy",
            "envoyproxy:envoy",
        ),
        _c(
            "mongodb-binary",
            "**/mongod",
            alternatives(
                rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00tcmalloc",
                rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00+heap_size",
                rb"(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00+cppdefines",
            ),
            "mongodb",
            "pkg:generic/mongodb",
            "mongodb:mongodb",
        ),
        _c(
            "ingress-nginx-binary",
            "**/nginx-ingress-controller",
            alternatives(
                rb"v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)\x00+.{0,50}go[0-9]+\.[0-9]+(\-(alpha|beta)\.[0-9])?\.[0-9]+\x00+",
                rb"v" + _INGRESS_V + rb"\x00+.{0,800}\$a.{0,10}\x00+",
                rb"\x00v?" + _INGRESS_V + rb"\x00+.{0,100}S=v<y5",
                rb"\x00go[0-9]+\.[0-9]+\.[0-9]+\x00+v" + _INGRESS_V + rb"\x00+",
                rb"\x00v(?P<version>[0-9]+\.[0-9]+\.[0-9]+\-(alpha|beta)\.[0-9])\x00+",
                # arm/arm64/s390x: the version follows a float constant in rodata
                rb"(?:\xa0L|L\xa0\x00\x00|_\x02)v" + _INGRESS_V + rb"\x00\x00",
            ),
            "nginx-ingress-controller",
            "pkg:generic/nginx-ingress-controller",
            "kubernetes:ingress-nginx",
        ),
        _c(
            "elastic-agent-binary",
            "**/elastic-agent",
            alternatives(
                rb"enroll(?:: true)?(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-?header",
                rb"PM(?P<version>[0-9]+\.[0-9]+\.[0-9]+):https",
            ),
            "elastic-agent",
            "pkg:generic/elastic-agent",
            "elastic:elastic_agent",
        ),
        *(_beat(name) for name in ("auditbeat", "filebeat", "heartbeat", "metricbeat", "packetbeat")),
        _c(
            "krb5-library",
            "**/libkrb5.so*",
            contents(rb"KRB5_BRAND: krb5-(?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)-final"),
            "krb5",
            "pkg:generic/krb5",
            "mit:kerberos_5",
        ),
        _c(
            "heimdal-krb5-library",
            "**/libkrb5.so*",
            contents(rb"\$Version: Heimdal (?P<version>[0-9]+\.[0-9]+\.[0-9]+) \$"),
            "heimdal-krb5",
            "pkg:generic/heimdal-krb5",
            "heimdal_project:heimdal",
        ),
    ]


def _java_classifiers() -> list[Classifier]:
    ibm_guard = any_of(path_glob("**/ibm/**"), shared_library(r"^libjli\.so$", contents(rb"IBM_JAVA")))
    graal = rb"(?m)\x00(?P<version>[0-9]+[.0-9]+[.0-9]+\+[0-9]+-jvmci-[0-9]+[.0-9]+-b[0-9]+)\x00"
    openjdk_patterns = (
        rb"(?m)\x00openjdk\x00java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00",
        rb"(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+openjdk\x00java",
    )
    jdk_version = rb"(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+)?([-._a-zA-Z0-9]+)?)\x00"

    def zulu(tool: bytes) -> Matcher:
        return all_of(
            path_glob("**/*zulu*/**"),
            alternatives(
                rb"(?m)" + tool + rb"\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00",
                rb"(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+" + tool,
            ),
        )

    return [
        _branch(
            "java-binary",
            "**/java",
            Identity(
                "java-binary-graalvm",
                "graalvm",
                "pkg:generic/oracle/graalvm",
                ("oracle:graalvm",),
                contents(graal),
            ),
            Identity(
                "java-binary-openjdk-zulu",
                "zulu",
                "pkg:generic/azul/zulu",
                ("azul:zulu",),
                zulu(rb"\x00java"),
            ),
            Identity(
                "java-binary-openjdk-with-update",
                "openjdk",
                "pkg:generic/oracle/openjdk",
                ("oracle:openjdk",),
                any_of(
                    contents(
                        rb"openjdk",
                        rb"(?m)java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>(?P<primary>[0-9]+[^\x00]+)_(?P<update>[^\x00]+)-[^\x00]+)\x00",
                    ),
                    contents(
                        rb"openjdk",
                        rb"(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>(?P<primary>[0-9]+[^\x00]+)_(?P<update>[^\x00]+)-[^\x00]+)\x00+openjdk\x00java",
                    ),
                ),
            ),
            Identity(
                "java-binary-openjdk",
                "openjdk",
                "pkg:generic/oracle/openjdk",
                ("oracle:openjdk",),
                alternatives(*openjdk_patterns),
            ),
            Identity(
                "java-binary-ibm",
                "java",
                "pkg:generic/ibm/java",
                ("ibm:java",),
                all_of(
                    ibm_guard,
                    contents(
                        rb"(?m)\x00java\x00+(?P<release>[0-9]+[.0-9]+)\x00+(?P<version>[0-9]+[-._a-zA-Z0-9]+)\x00"
                    ),
                ),
            ),
            Identity(
                "java-binary-openjdk-fallthrough",
                "jre",
                "pkg:generic/oracle/jre",
                ("oracle:jre",),
                contents(rb"openjdk", rb"(?m)\x00(?P<version>[0-9]+[.0-9]+[+][-0-9]+)\x00"),
            ),
            Identity(
                "java-binary-oracle",
                "jre",
                "pkg:generic/oracle/jre",
                ("oracle:jre",),
                contents(rb"(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[-._+a-zA-Z0-9]+)\x00"),
            ),
        ),
        _branch(
            "java-jdb-binary",
            "**/jdb",
            Identity(
                "java-binary-graalvm",
                "graalvm",
                "pkg:generic/oracle/graalvm",
                ("oracle:graalvm_for_jdk",),
                contents(graal),
            ),
            Identity(
                "jdb-binary-openjdk-zulu",
                "zulu",
                "pkg:generic/azul/zulu",
                ("azul:zulu",),
                zulu(rb"(java|jdb)"),
            ),
            # syft requires both layouts here (unlike java-binary-openjdk above)
            Identity(
                "java-jdb-binary-openjdk",
                "openjdk",
                "pkg:generic/oracle/openjdk",
                ("oracle:openjdk",),
                all_of(*(contents(p) for p in openjdk_patterns)),
            ),
            Identity(
                "java-sdk-binary-ibm",
                "java_sdk",
                "pkg:generic/ibm/java_sdk",
                ("ibm:java_sdk",),
                all_of(
                    ibm_guard, contents(rb"(?m)\x00java\x00.+?\x00(?P<version>[0-9]+[-._a-zA-Z0-9]+)\x00")
                ),
            ),
            Identity(
                "java-binary-openjdk-fallthrough",
                "openjdk",
                "pkg:generic/oracle/openjdk",
                ("oracle:openjdk",),
                contents(rb"openjdk", jdk_version),
            ),
            Identity(
                "java-binary-jdk", "jdk", "pkg:generic/oracle/jdk", ("oracle:jdk",), contents(jdk_version)
            ),
        ),
    ]


@functools.cache
def default_classifiers() -> tuple[Classifier, ...]:
    return tuple(_general_classifiers() + _java_classifiers())

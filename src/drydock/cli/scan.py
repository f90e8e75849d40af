"""``drydock scan SOURCE [-o FORMAT[=PATH]] [--fail-on SEVERITY] [--policy BUNDLE.json]``:
analyze an image locally, match it against the local feed store, report the vulnerabilities
and/or evaluate a bundle — a CI gate that needs no server.

Exit codes: 0 pass; 1 when the bundle says STOP or a reported vulnerability is at or above
``--fail-on``; 2 on errors (bad source, bad bundle, no feed data while ``--fail-on`` asks for a
verdict), with one line on stderr.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from drydock.analyzer.model import ImageAnalysis
from drydock.policy.vulndata import Vulnerabilities

if TYPE_CHECKING:
    from drydock.feeds.records import PackageVersions
    from drydock.policy.matching.matcher import Match, MatchResult

EXIT_STOP, EXIT_ERROR = 1, 2
REPORT_FORMATS = ("table", "json", "cyclonedx-json", "sarif")
_ALIASES = {"cyclonedx": "cyclonedx-json", "sarif-json": "sarif"}


@dataclass(frozen=True, slots=True)
class LocalScan:
    """What the feed store says about one image: the raw matches (for the report) and their
    policy view (for the vulnerability gates); ``indexed`` is 0 when the store holds no data."""

    result: MatchResult
    vulnerabilities: Vulnerabilities
    indexed: int
    package_feeds: dict[str, dict[str, PackageVersions]]


@dataclass(frozen=True, slots=True)
class ReportTarget:
    fmt: str
    path: Path | None  # None = stdout


def parse_report_outputs(outputs: list[str]) -> list[ReportTarget]:
    """``-o fmt`` / ``-o fmt=path`` as ``drydock sbom`` takes them; at most one to stdout."""
    targets = []
    for spec in outputs:
        name, sep, path = spec.partition("=")
        fmt = _ALIASES.get(name.strip().lower(), name.strip().lower())
        if fmt not in REPORT_FORMATS:
            raise ValueError(f"unknown output format {name!r}; expected one of {', '.join(REPORT_FORMATS)}")
        if sep and not path.strip():
            raise ValueError(f"output {spec!r} names no file")
        targets.append(ReportTarget(fmt, Path(path) if sep else None))
    if sum(t.path is None for t in targets) > 1:
        raise ValueError("only one output may go to stdout; give the others a file (-o fmt=path)")
    return targets


def analyze_source(
    source: str,
    platform: str,
    insecure: bool,
    malware_db: Path | None = None,
    digest_algorithms: tuple[str, ...] = ("sha256",),
) -> ImageAnalysis:
    """Full analysis (secret search and retrieved files included: policy gates read them);
    with ``malware_db``, a ClamAV scan with that signature database too."""
    from drydock.analyzer.analyze import analyze
    from drydock.analyzer.config import AnalyzerConfig, MalwareConfig
    from drydock.analyzer.sources import open_source

    malware = MalwareConfig(database_dir=str(malware_db)) if malware_db is not None else None
    image = open_source(source, insecure=insecure, platform=platform)
    try:
        return analyze(image, AnalyzerConfig(malware=malware, digest_algorithms=digest_algorithms))
    finally:
        image.close()


def local_scan(database_url: str, analysis: ImageAnalysis) -> LocalScan | None:
    """Matches from the feed store of ``database_url``; None when there is no store (no
    database file, or a database without feed tables) — the vulnerability gates then report
    the data unavailable."""
    from sqlalchemy.exc import SQLAlchemyError

    from drydock.core.db import Database, utcnow
    from drydock.policy.matching.index import build_index
    from drydock.policy.matching.matcher import match_packages
    from drydock.policy.runner import last_sync, package_feeds, vulnerabilities_for
    from drydock.policy.vulndata import Detections

    if database_url.startswith("sqlite:///") and not Path(database_url[len("sqlite:///") :]).exists():
        return None
    db = Database(database_url)
    try:
        with db.session() as session:
            index = build_index(session)
            result = match_packages(index, analysis.distro, analysis.packages)
            view = vulnerabilities_for(
                analysis, result, last_sync(session, index, analysis), Detections(utcnow())
            )
            return LocalScan(result, view, index.size, package_feeds(session, analysis))
    except SQLAlchemyError:
        return None
    finally:
        db.dispose()


def evaluate_local(
    bundle_doc: Any, analysis: ImageAnalysis, scan: LocalScan | None, tag: str | None
) -> dict[str, Any]:
    from drydock.core.db import utcnow
    from drydock.policy.context import ImageContext
    from drydock.policy.evaluate import evaluate
    from drydock.policy.runner import malware_findings
    from drydock.policy.validation import compile_bundle

    bundle = compile_bundle(bundle_doc)
    source = analysis.source
    ctx = ImageContext(
        analysis=analysis,
        image_id=str(source.get("imageId") or "").removeprefix("sha256:"),
        image_digest=str(source.get("manifestDigest") or ""),
        tag=tag or str(source.get("reference") or "local/image:latest"),
        now=utcnow(),
        vulnerabilities=scan.vulnerabilities if scan else None,
        package_feeds=scan.package_feeds if scan else {},
        malware=malware_findings(analysis),
    )
    return evaluate(bundle, ctx)


def print_result(result: dict[str, Any], console: Console) -> None:
    table = Table("Gate", "Trigger", "Detail", "Status")
    for row in result["result"][result["image_id"]]["result"]["rows"]:
        status = f"whitelisted({row[7]['whitelist_name']})" if row[7] else row[6]
        table.add_row(row[3], row[4], row[5], status)
    console.print(table)
    for problem in result["evaluation_problems"]:
        console.print(f"problem: {problem['details']}")
    console.print(f"Final action: {result['final_action']} ({result['final_action_reason']})")


def render_report(fmt: str, analysis: ImageAnalysis, matches: list[Match], scan: LocalScan | None) -> str:
    """One report document of the selected ``matches`` (``table`` here is the plain-text table)."""
    from drydock import __version__
    from drydock.analyzer.sbom import render
    from drydock.policy.vulnerabilities import scan_report
    from drydock.policy.vulnerabilities.cyclonedx_vulns import with_vulnerabilities
    from drydock.policy.vulnerabilities.sarif import render_sarif

    if fmt == "table":
        return scan_report.plain_table(scan_report.table_rows(matches))
    if fmt == "sarif":
        doc = render_sarif(matches, __version__)
    elif fmt == "cyclonedx-json":
        doc = with_vulnerabilities(render(analysis, "cyclonedx-json"), matches)
    else:
        namespaces, problems = (scan.result.namespaces, scan.result.problems) if scan else ([], [])
        doc = scan_report.json_document(matches, analysis.source, namespaces, problems)
    return json.dumps(doc, indent=2, default=str) + "\n"


def write_reports(
    targets: list[ReportTarget],
    analysis: ImageAnalysis,
    matches: list[Match],
    scan: LocalScan | None,
    stdout: Console,
) -> None:
    from drydock.policy.vulnerabilities import scan_report

    for target in targets:
        if target.path is None and target.fmt == "table" and stdout.is_terminal:
            rows = scan_report.table_rows(matches)
            table = Table(*scan_report.TABLE_COLUMNS)
            for row in rows:
                table.add_row(*row)
            stdout.print(table if rows else "No vulnerabilities found")
            continue
        text = render_report(target.fmt, analysis, matches, scan)
        if target.path is None:
            typer.echo(text, nl=False)
        else:
            target.path.write_text(text, encoding="utf-8")


def no_data_message(url: str, scan: LocalScan | None) -> str | None:
    """Why the report would be empty for want of data, or None when the store has data."""
    if scan is None:
        return f"no vulnerability feed store at {url}; import feeds first (drydock feeds import/sync)"
    if scan.indexed == 0:
        return f"the feed store at {url} holds no vulnerability data; import feeds first (drydock feeds import/sync)"
    if not scan.vulnerabilities.data_available:  # data, but none for this image's distro
        return (
            "; ".join(scan.result.problems) or f"the feed store at {url} has no data for this image's distro"
        )
    return None


def scan(
    source: Annotated[
        str,
        typer.Argument(
            help="dir:PATH, docker-archive:FILE, oci-dir:PATH, oci-archive:FILE or a registry reference."
        ),
    ],
    output: Annotated[
        list[str] | None,
        typer.Option(
            "-o",
            "--output",
            help="Report format, repeatable: table, json, cyclonedx-json, sarif; FORMAT=PATH writes to a file.",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a vulnerability is at or above: negligible, low, medium, high, critical.",
        ),
    ] = None,
    only_fixed: Annotated[
        bool,
        typer.Option("--only-fixed", help="Ignore vulnerabilities with no fix (or a vendor will-not-fix)."),
    ] = False,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="Policy bundle (Anchore 1_0 JSON) to evaluate.", exists=True, dir_okay=False
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option(help="Tag the bundle's mappings see (default: the source reference).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Feed store database (default: the configured one).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the policy evaluation document as JSON.")
    ] = False,
    platform: Annotated[str, typer.Option(help="Platform to pick from a multi-arch image.")] = "linux/amd64",
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Allow plain HTTP and unverified TLS to the registry.")
    ] = False,
    malware_db: Annotated[
        Path | None,
        typer.Option(
            "--malware-db",
            help="ClamAV signature database (dir or file): scan the image's files with clamscan.",
        ),
    ] = None,
) -> None:
    """Scan an image for vulnerabilities and/or evaluate a policy bundle without a server."""
    from drydock.analyzer.analyze import AnalysisError
    from drydock.analyzer.sources import SourceError
    from drydock.core.config import Settings
    from drydock.policy.gates.pkgverify import DATABASE_DIGESTS, bundle_verifies_packages
    from drydock.policy.validation import BundleInvalid
    from drydock.policy.vulnerabilities import scan_report

    errors = Console(stderr=True)
    wants_report = bool(output) or fail_on is not None or policy is None
    try:
        targets = parse_report_outputs(output or (["table"] if policy is None else []))
        scan_report.fails([], fail_on)  # rejects an unknown severity before the slow analysis
        doc = json.loads(policy.read_text()) if policy is not None else None
        digests = DATABASE_DIGESTS if isinstance(doc, dict) and bundle_verifies_packages(doc) else ("sha256",)
        analysis = analyze_source(source, platform, insecure, malware_db, digests)
        url = database_url or Settings().database_url or ""
        found = local_scan(url, analysis)
        missing = no_data_message(url, found) if wants_report else None
        if missing and fail_on is not None:
            raise ValueError(missing)
        if missing:
            typer.echo(f"warning: {missing}", err=True)
        result = evaluate_local(doc, analysis, found, tag) if doc else None
        matches = scan_report.select(found.result.matches if found else [], only_fixed)
        write_reports(targets, analysis, matches, found, Console())
    except BundleInvalid as exc:
        errors.print("Bundle failed validation:")
        for detail in exc.details:
            errors.print(f"  - {detail['description']}")
        raise typer.Exit(EXIT_ERROR) from None
    except (ValueError, AnalysisError, SourceError, OSError) as exc:
        typer.echo(f"error: {' '.join(str(exc).split()) or type(exc).__name__}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if result is not None:
        if as_json:
            typer.echo(json.dumps(result, indent=2, default=str))
        else:
            print_result(result, Console())
    if scan_report.fails(matches, fail_on) or (result is not None and result["final_action"] == "stop"):
        raise typer.Exit(EXIT_STOP)


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command to the main CLI app."""
    app.command("scan")(scan)


if __name__ == "__main__":  # ``python -m drydock.cli.scan SOURCE`` until ``drydock`` registers it
    typer.run(scan)

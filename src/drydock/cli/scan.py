"""``drydock scan SOURCE --policy BUNDLE.json``: analyze an image locally, match it against the
local feed store when there is one, evaluate the bundle, exit 1 on STOP — a CI gate that needs
no server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from drydock.analyzer.model import ImageAnalysis
from drydock.policy.vulndata import Vulnerabilities

EXIT_STOP, EXIT_ERROR = 1, 2


def analyze_source(source: str, platform: str, insecure: bool) -> ImageAnalysis:
    """Full analysis (secret search and retrieved files included: policy gates read them)."""
    from drydock.analyzer.analyze import analyze
    from drydock.analyzer.config import AnalyzerConfig
    from drydock.analyzer.sources import open_source

    image = open_source(source, insecure=insecure, platform=platform)
    try:
        return analyze(image, AnalyzerConfig())
    finally:
        image.close()


def local_vulnerabilities(database_url: str, analysis: ImageAnalysis) -> Vulnerabilities | None:
    """Matches from the feed store of ``database_url``; None when there is no store (no
    database file, or a database without feed tables) — the vulnerability gates then report
    the data unavailable."""
    from sqlalchemy.exc import SQLAlchemyError

    from drydock.core.db import Database, utcnow
    from drydock.policy.matching.index import build_index
    from drydock.policy.runner import last_sync, vulnerabilities_for

    if database_url.startswith("sqlite:///") and not Path(database_url[len("sqlite:///") :]).exists():
        return None
    db = Database(database_url)
    try:
        with db.session() as session:
            index = build_index(session)
            return vulnerabilities_for(index, analysis, last_sync(session, index, analysis), utcnow())
    except SQLAlchemyError:
        return None
    finally:
        db.dispose()


def evaluate_local(
    bundle_doc: Any, analysis: ImageAnalysis, vulns: Vulnerabilities | None, tag: str | None
) -> dict[str, Any]:
    from drydock.core.db import utcnow
    from drydock.policy.context import ImageContext
    from drydock.policy.evaluate import evaluate
    from drydock.policy.validation import compile_bundle

    bundle = compile_bundle(bundle_doc)
    source = analysis.source
    ctx = ImageContext(
        analysis=analysis,
        image_id=str(source.get("imageId") or "").removeprefix("sha256:"),
        image_digest=str(source.get("manifestDigest") or ""),
        tag=tag or str(source.get("reference") or "local/image:latest"),
        now=utcnow(),
        vulnerabilities=vulns,
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


def scan(
    source: Annotated[
        str,
        typer.Argument(
            help="dir:PATH, docker-archive:FILE, oci-dir:PATH, oci-archive:FILE or a registry reference."
        ),
    ],
    policy: Annotated[
        Path,
        typer.Option(
            "--policy", help="Policy bundle (Anchore 1_0 JSON) to evaluate.", exists=True, dir_okay=False
        ),
    ],
    tag: Annotated[
        str | None, typer.Option(help="Tag the bundle's mappings see (default: the source reference).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Feed store database (default: the configured one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation document as JSON.")] = False,
    platform: Annotated[str, typer.Option(help="Platform to pick from a multi-arch image.")] = "linux/amd64",
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Allow plain HTTP and unverified TLS to the registry.")
    ] = False,
) -> None:
    """Evaluate a policy bundle against an image without a server; exit 1 when it says STOP."""
    from drydock.analyzer.analyze import AnalysisError
    from drydock.analyzer.sources import SourceError
    from drydock.core.config import Settings
    from drydock.policy.validation import BundleInvalid

    errors = Console(stderr=True)
    try:
        doc = json.loads(policy.read_text())
        analysis = analyze_source(source, platform, insecure)
        url = database_url or Settings().database_url or ""
        result = evaluate_local(doc, analysis, local_vulnerabilities(url, analysis), tag)
    except BundleInvalid as exc:
        errors.print("Bundle failed validation:")
        for detail in exc.details:
            errors.print(f"  - {detail['description']}")
        raise typer.Exit(EXIT_ERROR) from None
    except (ValueError, AnalysisError, SourceError, OSError) as exc:
        typer.echo(f"error: {' '.join(str(exc).split()) or type(exc).__name__}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        print_result(result, Console())
    if result["final_action"] == "stop":
        raise typer.Exit(EXIT_STOP)


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command to the main CLI app."""
    app.command("scan")(scan)


if __name__ == "__main__":  # ``python -m drydock.cli.scan SOURCE --policy B`` until ``drydock`` registers it
    typer.run(scan)

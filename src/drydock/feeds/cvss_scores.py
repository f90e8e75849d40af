"""Turn CVSS vectors into scored :class:`Cvss` records.

Many feeds (OSV, GHSA, Red Hat CSAF) publish only the vector; scores are needed for severity
fallbacks and policy gates, so they are computed with the ``cvss`` library. A vector that does
not parse yields ``None`` (the caller counts it) instead of an exception.
"""

from __future__ import annotations

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from drydock.feeds.records import Cvss, Severity


def cvss_version(vector: str) -> str:
    if vector.startswith("CVSS:"):
        return vector.split("/", 1)[0].removeprefix("CVSS:")
    return "2.0"


def score_vector(vector: str, source: str | None = None, primary: bool = True) -> Cvss | None:
    version = cvss_version(vector)
    try:
        if version.startswith("4"):
            c4 = CVSS4(vector)
            return Cvss(version, vector, float(c4.base_score), None, None, c4.severity, source, primary)
        if version.startswith("3"):
            c3 = CVSS3(vector)
            return Cvss(
                version,
                vector,
                float(c3.base_score),
                round(float(c3.esc), 1),
                round(float(c3.isc), 1),
                c3.severities()[0],
                source,
                primary,
            )
        c2 = CVSS2(vector.removeprefix("(").removesuffix(")"))
        return Cvss("2.0", vector, float(c2.base_score), None, None, c2.severities()[0], source, primary)
    except (CVSSError, ValueError, KeyError, AttributeError):
        return None


def severity_from_cvss(scores: list[Cvss]) -> Severity:
    """Severity of the newest CVSS version present (v3 preferred over v4's narrower adoption)."""
    ranked = sorted(scores, key=lambda c: ("3" in c.version[:1], c.version), reverse=True)
    return Severity.parse(ranked[0].base_severity) if ranked else Severity.UNKNOWN

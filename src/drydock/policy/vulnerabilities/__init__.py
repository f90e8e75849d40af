"""Per-image vulnerability reports (Anchore's VulnerabilityResponse), their storage keyed by
the feed store generation, re-matching after feed changes, and the query API."""

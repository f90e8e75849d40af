"""Bundle semantics: validation, allowlists (expiry, wildcards), mapping order, image
allow/deny lists and their precedence, multi-policy mappings, regex time limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drydock.analyzer.model import ImageAnalysis
from drydock.policy.evaluate import evaluate, split_tag
from drydock.policy.spec import default_bundle, policy_spec
from drydock.policy.validation import BundleInvalid, compile_bundle
from drydock.policy.vulndata import Vulnerabilities, VulnMatch
from tests.policy.factory import NOW, bundle_doc, context, rows, rule

STOP_ALWAYS = rule("always", "always", "STOP")


def problems(doc: Any) -> list[str]:
    with pytest.raises(BundleInvalid) as exc:
        compile_bundle(doc)
    return [d["description"] for d in exc.value.details]


def test_default_bundle_is_valid_and_described() -> None:
    compile_bundle(default_bundle())
    spec = {g["name"]: g for g in policy_spec()}
    assert {t["name"] for t in spec["vulnerabilities"]["triggers"]} == {
        "package",
        "stale_feed_data",
        "vulnerability_data_unavailable",
        "blacklist",
    }
    params = {
        p["name"]: p
        for t in spec["vulnerabilities"]["triggers"]
        if t["name"] == "package"
        for p in t["parameters"]
    }
    assert params["package_type"]["required"] and params["severity"]["validator"]["enums"][-1] == "critical"
    assert "vendor_cvss_v3_impact_score_comparison" in params and "package_path_exclude" in params
    assert spec["anchoresec"]["state"] == "eol" and spec["dockerfile"]["state"] == "active"


def test_validation_names_every_problem() -> None:
    doc = bundle_doc(
        [
            rule("nosuchgate", "x"),
            rule("dockerfile", "nosuchtrigger"),
            rule("dockerfile", "exposed_ports", ports="22,abc", type="blacklist", bogus="1"),
            rule("files", "name_match", regex="([unclosed"),
            rule("files", "name_match", regex="x" * 5000),
            rule("vulnerabilities", "package", severity="high"),  # package_type missing
            rule("vulnerabilities", "package", "MAYBE", package_type="all", severity="extreme"),
            rule("anchoresec", "vulnhigh"),
            rule("dockerfile", "instruction", instruction="FROM", check="="),  # value missing
            rule("metadata", "attribute", attribute="size", check="like", value="(("),
        ]
    )
    text = "\n".join(problems(doc))
    for needle in (
        "unknown gate 'nosuchgate'",
        "unknown trigger 'nosuchtrigger'",
        "'abc' is not an integer",
        "unknown parameter 'bogus'",
        "invalid regular expression '([unclosed'",
        "regular expression of 5000 characters exceeds the 4096 limit",
        "required parameter 'package_type' missing",
        "invalid action 'MAYBE'",
        "'extreme' is not one of",
        "gate 'anchoresec' is end-of-life",
        "check '=' requires the 'value' parameter",
        "invalid regular expression '(('",
    ):
        assert needle in text, needle


def test_structural_validation() -> None:
    assert problems([]) == ["a bundle must be a JSON object"]
    doc = bundle_doc(
        [STOP_ALWAYS],
        mappings=[
            {
                "id": "m",
                "registry": "*",
                "repository": "*",
                "image": {"type": "tag", "value": "*"},
                "policy_id": "p1",
                "policy_ids": ["p1"],
                "whitelist_ids": ["nope"],
            },
            {
                "id": "m2",
                "registry": "regexp:([",
                "repository": "*",
                "image": {"type": "size", "value": "*"},
                "policy_ids": ["missing"],
            },
        ],
        version="2_0",
    )
    doc["whitelists"][0]["items"] = [
        {"id": "i", "gate": "always", "trigger_id": "x", "expires_on": "tomorrow"}
    ]
    text = "\n".join(problems(doc))
    for needle in (
        "bundle version must be '1_0'",
        "mutually exclusive",
        "unknown whitelist 'nope'",
        "unknown policy 'missing'",
        "invalid regular expression '(['",
        "image type 'size'",
        "not an RFC 3339 timestamp",
    ):
        assert needle in text, needle


def vulns(*ids: str) -> Vulnerabilities:
    return Vulnerabilities([VulnMatch(i, "High", "openssl", "1", "deb", True) for i in ids], True, NOW)


def test_allowlist_exact_wildcard_and_expiry() -> None:
    items = [
        {"id": "exact", "gate": "VULNERABILITIES", "trigger_id": "CVE-1+openssl"},
        {"id": "wild", "gate": "vulnerabilities", "trigger_id": "CVE-2*"},
        {
            "id": "expired",
            "gate": "vulnerabilities",
            "trigger_id": "CVE-3+openssl",
            "expires_on": (NOW - timedelta(seconds=1)).isoformat(),
        },
        {
            "id": "future",
            "gate": "vulnerabilities",
            "trigger_id": "CVE-4+openssl",
            "expires_on": (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        {"id": "othergate", "gate": "packages", "trigger_id": "*"},
    ]
    bundle = compile_bundle(bundle_doc([rule("vulnerabilities", "package", package_type="all")], items=items))
    result = evaluate(bundle, context(ImageAnalysis(source={}), vulns("CVE-1", "CVE-20", "CVE-3", "CVE-4")))
    allowed = {r[2]: (r[7] or {}).get("matched_rule_id") for r in rows(result)}
    assert allowed == {
        "CVE-1+openssl": "exact",
        "CVE-20+openssl": "wild",
        "CVE-3+openssl": None,
        "CVE-4+openssl": "future",
    }
    assert rows(result)[0][7] == {"whitelist_name": "W1", "whitelist_id": "w1", "matched_rule_id": "exact"}
    assert result["final_action"] == "stop"  # CVE-3's allowlisting expired
    all_allowed = evaluate(bundle, context(ImageAnalysis(source={}), vulns("CVE-1", "CVE-4")))
    assert all_allowed["final_action"] == "go" and all_allowed["result"]["img1"]["result"]["row_count"] == 2


def mapping(
    mid: str,
    pid: str,
    registry: str = "*",
    repository: str = "*",
    value: str = "*",
    itype: str = "tag",
    **kw: Any,
) -> dict[str, Any]:
    return {
        "id": mid,
        "name": mid,
        "registry": registry,
        "repository": repository,
        "image": {"type": itype, "value": value},
        "policy_id": pid,
        "whitelist_ids": [],
        **kw,
    }


def two_policy_doc(mappings: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = bundle_doc([STOP_ALWAYS], mappings=mappings, **extra)
    doc["policies"].append(
        {"id": "p2", "name": "P2", "version": "1_0", "rules": [rule("always", "always", "WARN", rid="r2")]}
    )
    return doc


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("docker.io/library/app:1.0", "m-warn"),
        ("quay.io/acme/app:dev", "m-stop"),
        ("docker.io/acme/web:latest", "m-regex"),
        ("registry.local:5000/other/thing:v1", None),
    ],
)
def test_mapping_first_match_wins(tag: str, expected: str | None) -> None:
    doc = two_policy_doc(
        [
            mapping("m-warn", "p2", registry="docker.io", repository="library/*"),
            mapping("m-regex", "p2", registry="docker.io", repository="regexp:acme/w.*", value="latest"),
            mapping("m-stop", "p1", repository="*/app"),
            mapping("m-never", "p1", repository="library/app"),
        ]
    )
    result = evaluate(compile_bundle(doc), context(tag=tag))
    matched = result["matched_mapping_rule"]
    assert (matched["id"] if matched else None) == expected
    assert (
        result["final_action"]
        == {"m-warn": "warn", "m-regex": "warn", "m-stop": "stop", None: "go"}[expected]
    )


def test_mapping_by_digest_and_policy_ids() -> None:
    doc = two_policy_doc(
        [
            {
                **mapping("m", "p1", itype="digest", value="sha256:d1"),
                "policy_id": None,
                "policy_ids": ["p2", "p1"],
            }
        ]
    )
    doc["mappings"][0].pop("policy_id")
    result = evaluate(compile_bundle(doc), context())
    assert [r[8] for r in rows(result)] == ["p2", "p1"] and result["final_action"] == "stop"
    assert result["result"]["policy_name"] == "P2,P1"
    assert (
        evaluate(compile_bundle(doc), context(tag="docker.io/x:y"))["final_action"] == "stop"
    )  # digest, not tag


def test_image_deny_beats_allow_beats_policy() -> None:
    sel = {
        "id": "s",
        "name": "s",
        "registry": "*",
        "repository": "library/app",
        "image": {"type": "tag", "value": "1.*"},
    }
    allow_only = compile_bundle(bundle_doc([STOP_ALWAYS], whitelisted_images=[sel]))
    result = evaluate(allow_only, context())
    assert (result["final_action"], result["final_action_reason"]) == ("go", "whitelisted")
    assert (
        result["result"]["img1"]["result"]["final_action"] == "stop"
    )  # the policy's own verdict stays visible
    both = compile_bundle(bundle_doc([], whitelisted_images=[sel], blacklisted_images=[{**sel, "id": "d"}]))
    result = evaluate(both, context())
    assert (result["final_action"], result["final_action_reason"]) == ("stop", "blacklisted")
    assert result["matched_blacklisted_images_rule"]["id"] == "d"
    assert (
        evaluate(both, context(tag="docker.io/library/app:2.0"))["final_action_reason"] == "policy_evaluation"
    )


def test_result_shape_and_stable_ids() -> None:
    doc = bundle_doc(
        [rule("dockerfile", "instruction", "WARN", instruction="HEALTHCHECK", check="not_exists")]
    )
    first = evaluate(compile_bundle(doc), context())
    second = evaluate(compile_bundle(doc), context())
    table = first["result"]["img1"]["result"]
    assert table["header"] == [
        "Image_Id",
        "Repo_Tag",
        "Trigger_Id",
        "Gate",
        "Trigger",
        "Check_Output",
        "Gate_Action",
        "Whitelisted",
        "Policy_Id",
    ]
    assert table["rows"][0][2] == rows(second)[0][2] and len(table["rows"][0][2]) == 32
    assert first["final_action"] == "warn" and first["final_action_reason"] == "policy_evaluation"
    assert set(first) >= {
        "user_id",
        "image_id",
        "tag",
        "bundle",
        "matched_mapping_rule",
        "evaluation_problems",
        "created_at",
    }


def test_hostile_regex_is_time_limited_and_fails_closed() -> None:
    doc = bundle_doc(
        [rule("retrieved_files", "content_regex", "WARN", path="/f", regex="(x+x+)+y", check="match")]
    )
    ctx = context(ImageAnalysis(source={}, retrieved_files={"/f": b"x" * 5000}))
    result = evaluate(compile_bundle(doc), ctx)
    assert result["final_action"] == "stop"
    assert result["evaluation_problems"][0]["problem_type"] == "RegexTimeout"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("alpine", ("docker.io", "alpine", "latest")),
        ("docker.io/library/nginx:1.25", ("docker.io", "library/nginx", "1.25")),
        ("localhost:5000/a/b", ("localhost:5000", "a/b", "latest")),
        ("dockerhub/acme/x:1", ("docker.io", "acme/x", "1")),
        ("quay.io/a/b@sha256:abc", ("quay.io", "a/b", "latest")),
    ],
)
def test_split_tag(text: str, parts: tuple[str, str, str]) -> None:
    p = split_tag(text)
    assert (p.registry, p.repository, p.tag) == parts


def test_allowlist_reports_the_first_matching_item() -> None:
    items = [
        {"id": "wild-first", "gate": "vulnerabilities", "trigger_id": "CVE-1*"},
        {"id": "exact-second", "gate": "vulnerabilities", "trigger_id": "CVE-1+openssl"},
        {"id": "any", "gate": "vulnerabilities", "trigger_id": "*"},
    ]
    bundle = compile_bundle(bundle_doc([rule("vulnerabilities", "package", package_type="all")], items=items))
    result = evaluate(bundle, context(ImageAnalysis(source={}), vulns("CVE-1", "CVE-77")))
    assert [r[7]["matched_rule_id"] for r in rows(result)] == ["wild-first", "any"]
    assert result["final_action"] == "go"

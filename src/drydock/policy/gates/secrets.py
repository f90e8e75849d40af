"""``secret_scans``: hits of the analyzer's secret search (named content regexes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, enum_param, regex_param


class ContentRegexChecksTrigger(Trigger):
    name = "content_regex_checks"
    description = 'Triggers if the secret content search analyzer has found any matches with the configured and named regexes. Checks can be configured to trigger if a match is found or is not found (selected using match_type parameter). Matches are filtered by the content_regex_name and filename_regex if they are set. The content_regex_name shoud be a value from the "secret_search" section of the analyzer_config.yaml.'
    params = (
        Param(
            "content_regex_name",
            "Name of content regexps configured in the analyzer that match if found in the image, instead of matching all. Names available by default are: ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'PRIV_KEY', 'DOCKER_AUTH', 'API_KEY'].",
            "AWS_ACCESS_KEY",
        ),
        regex_param("filename_regex", "Regexp to filter the content matched files by.", "/etc/.*"),
        enum_param(
            "match_type",
            "Set to define the type of match - trigger if match is found (default) or not found.",
            ("notfound", "found"),
            example="found",
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        name, file_rx = p.get("content_regex_name"), p.get("filename_regex")
        hits = [
            m
            for m in ctx.analysis.secrets
            if (name is None or m.name == name) and (file_rx is None or file_rx.match(m.path))
        ]
        if p.get("match_type", "found") == "found":
            for m in hits:
                yield Fired(
                    f"Secret content search analyzer found regexp match in container: file={m.path} regexp={m.name}={m.regex}"
                )
        elif not hits:
            yield Fired(
                "Secret content search analyzer did not find regexp match in container: "
                f"filename_regex={file_rx.pattern if file_rx else 'any'} content_regex_name={name or 'any'}"
            )


GATE = Gate(
    "secret_scans",
    'Checks for secrets and content found in the image using configured regexes found in the "secret_search" section of analyzer_config.yaml.',
    (ContentRegexChecksTrigger,),
)

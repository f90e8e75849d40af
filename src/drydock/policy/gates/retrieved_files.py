"""``retrieved_files``: files whose content the analyzer stored (analyzer config ``retrieve_files``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, enum_param, regex_param

PATH = Param(
    "path",
    "The path of the file to verify has been retrieved during analysis",
    "/etc/httpd.conf",
    required=True,
)


class ContentNotAvailableTrigger(Trigger):
    name = "content_not_available"
    description = "Triggers if the specified file is not present/stored in the evaluated image."
    params = (PATH,)

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if p["path"] not in ctx.analysis.retrieved_files:
            yield Fired(f"Cannot locate file {p['path']} in image's retrieved files")


class ContentRegexTrigger(Trigger):
    name = "content_regex"
    description = "Evaluation of regex on retrieved file content"
    params = (
        PATH,
        regex_param("regex", "Regex string.", ".*SSlEnabled.*", required=True),
        enum_param(
            "check", "The type of check to perform with the regex.", ("match", "no_match"), required=True
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        data = ctx.analysis.retrieved_files.get(p["path"])
        if data is None:
            return
        found = p["regex"].search(data.decode("utf-8", "replace"))
        if found == (p["check"] == "match"):
            yield Fired(
                f"Content regex '{p['regex'].pattern}' check '{p['check']}' found in retrieved file '{p['path']}'"
            )


GATE = Gate(
    "retrieved_files",
    "Checks against content and/or presence of files retrieved at analysis time from an image",
    (ContentNotAvailableTrigger, ContentRegexTrigger),
)

"""``files``: the image's file tree — content-search hits, names, attributes, setuid/setgid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.analyzer.model import FileType
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import (
    Fired,
    Gate,
    Param,
    Trigger,
    bool_param,
    enum_param,
    parse_mode,
    regex_param,
)

_PERMISSIONS = 0o7777


class ContentRegexMatchTrigger(Trigger):
    name = "content_regex_match"
    description = 'Triggers for each file where the content search analyzer has found a match using configured regexes in the analyzer_config.yaml "content_search" section. If the parameter is set, the trigger will only fire for files that matched the named regex. Refer to your analyzer_config.yaml for the regex values.'
    params = (
        Param(
            "regex_name",
            "Regex string that also appears in the FILECHECK_CONTENTMATCH analyzer parameter in analyzer configuration, to limit the check to. If set, will only fire trigger when the specific named regex was found in a file.",
            ".*password.*",
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        wanted = p.get("regex_name")
        for m in ctx.analysis.content_matches:
            if wanted is None or wanted in (m.name, m.regex):
                yield Fired(
                    f"File content analyzer found regexp match in container: file={m.path} regexp={m.regex}"
                )


class NameMatchTrigger(Trigger):
    name = "name_match"
    description = "Triggers if a file exists in the container that has a filename that matches the provided regex. This does have a performance impact on policy evaluation."
    params = (regex_param("regex", "Regex to apply to file names for match.", ".*\\.pem", required=True),)

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        rx = p["regex"]
        for f in ctx.analysis.files:
            if rx.match(f.path):
                yield Fired(
                    f"Application of regex matched file found in container: file={f.path} regexp={rx.pattern}"
                )


class AttributeMatchTrigger(Trigger):
    name = "attribute_match"
    description = "Triggers if a filename exists in the container and has attributes that match those which are passed in. Example: check the checksum and mode of /etc/passwd."
    params = (
        Param("filename", "Filename to check against provided checksum.", "/etc/passwd", required=True),
        enum_param("checksum_algorithm", "Checksum algorithm.", ("sha256",)),
        Param(
            "checksum",
            "Checksum of file.",
            "832cd0f75b227d13aac82b1f70b7f90191a4186c151f9db50851d209c45ede11",
        ),
        enum_param("checksum_match", "Checksum operation to perform.", ("equals", "not_equals")),
        Param("mode", "File mode of file.", "00644", parse=parse_mode, kind="octal mode"),
        enum_param("mode_op", "File mode operation to perform.", ("equals", "not_equals")),
        bool_param(
            "skip_missing",
            "If set to true, do not fire this trigger if the file is not present. If set to false, fire this trigger ignoring the other parameter settings.",
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        path = p["filename"]
        entry = ctx.files_by_path.get(path)
        if entry is None:
            if p.get("skip_missing") is False:
                yield Fired(f"File {path} not found in container")
            return
        matched = []
        if p.get("checksum") is not None:
            algorithm = p.get("checksum_algorithm") or "sha256"
            same = entry.digests.get(algorithm, "").lower() == p["checksum"].strip().lower()
            if same != (p.get("checksum_match", "equals") == "equals"):
                return
            matched.append(f"checksum {p.get('checksum_match', 'equals')} {p['checksum']}")
        if p.get("mode") is not None:
            same = (entry.mode & _PERMISSIONS) == p["mode"]
            if same != (p.get("mode_op", "equals") == "equals"):
                return
            matched.append(f"mode {p.get('mode_op', 'equals')} {p['mode']:05o}")
        if matched:
            yield Fired(f"File {path} attributes match: {', '.join(matched)}")


class SuidTrigger(Trigger):
    name = "suid_or_guid_set"
    description = "Fires for each file found to have suid or sgid bit set."

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for f in ctx.analysis.files:
            if f.type is not FileType.SYMLINK and (f.is_setuid or f.is_setgid):
                yield Fired(f"SUID or SGID found set on file {f.path}. Mode: {f.mode & _PERMISSIONS:05o}")


GATE = Gate(
    "files",
    "Checks against files in the analyzed image including file content, file names, and filesystem attributes.",
    (ContentRegexMatchTrigger, NameMatchTrigger, AttributeMatchTrigger, SuidTrigger),
)

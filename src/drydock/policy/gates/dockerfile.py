"""``dockerfile``: checks on the image's Dockerfile — the one supplied at analysis time when
there is one ("actual"), else the one reconstructed from the image history ("guessed")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import (
    Fired,
    Gate,
    Param,
    Trigger,
    bool_param,
    csv_int_param,
    csv_param,
    enum_param,
)
from drydock.policy.gates.checks import check_value, value_problems

INSTRUCTIONS = [
    "ADD",
    "ARG",
    "COPY",
    "CMD",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "USER",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "VOLUME",
    "WORKDIR",
]
CHECKS = ("=", "!=", "exists", "not_exists", "like", "not_like", "in", "not_in")
ACTUAL_ONLY = bool_param(
    "actual_dockerfile_only",
    "Only evaluate against a user-provided dockerfile, skip evaluation on inferred/guessed dockerfiles. Default is False.",
)
LIST_TYPE = enum_param(
    "type", "Whether the list is of allowed or disallowed values.", ("whitelist", "blacklist"), required=True
)


def _skip(ctx: ImageContext, p: dict[str, Any]) -> bool:
    return bool(p.get("actual_dockerfile_only")) and not ctx.dockerfile_actual


class InstructionTrigger(Trigger):
    name = "instruction"
    description = (
        "Triggers if any directives in the list are found to match the described condition in the dockerfile."
    )
    params = (
        ACTUAL_ONLY,
        enum_param(
            "instruction", "The Dockerfile instruction to check.", INSTRUCTIONS, required=True, example="FROM"
        ),
        enum_param("check", "The type of check to perform.", CHECKS, required=True, example="="),
        Param(
            "value",
            "The value to check the dockerfile instruction against (required for =, !=, like, not_like, in, not_in).",
            "scratch",
        ),
    )

    def check(self, p: dict[str, Any]) -> list[str]:
        return value_problems(p.get("check"), p.get("value"))

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if _skip(ctx, p):
            return
        directive, check, value = p["instruction"], p["check"], p.get("value")
        lines = [i.value for i in ctx.instructions if i.name == directive]
        if check == "not_exists":
            if not lines:
                yield Fired(
                    f"Dockerfile directive '{directive}' not found, matching condition '{check}' check"
                )
            return
        for line in lines:
            if check == "exists" or check_value(check, line, value):
                yield Fired(
                    f"Dockerfile directive '{directive}' check '{check}' matched against '{value or ''}' for line '{line}'"
                )


class EffectiveUserTrigger(Trigger):
    name = "effective_user"
    description = "Checks if the effective user matches the provided user names, either as a whitelist or blacklist depending on the type parameter setting."
    params = (
        csv_param(
            "users",
            "User names to check against as the effective user (last user entry) in the images history.",
            "root,docker",
            required=True,
        ),
        LIST_TYPE,
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        users = [i.value for i in ctx.instructions if i.name == "USER"]
        user = (ctx.analysis.image_metadata.get("user") or (users[-1] if users else "") or "root").split(
            ":", 1
        )[0]
        listed = user in p["users"]
        if p["type"] == "blacklist" and listed:
            yield Fired(f"User '{user}' found as effective user, which is on the disallowed list")
        elif p["type"] == "whitelist" and not listed:
            yield Fired(f"User '{user}' found as effective user, which is not on the allowed list")


def _ports(ctx: ImageContext, actual_only: bool) -> list[int]:
    texts = [word for i in ctx.instructions if i.name == "EXPOSE" for word in i.value.split()]
    if not actual_only:
        texts += list(ctx.analysis.image_metadata.get("exposedPorts") or [])
    found: list[int] = []
    for text in texts:
        head = text.split("/", 1)[0]
        if head.isdigit() and int(head) not in found:
            found.append(int(head))
    return found


class ExposedPortsTrigger(Trigger):
    name = "exposed_ports"
    description = "Evaluates the set of ports exposed. Allows configuring whitelist or blacklist behavior. If type=whitelist, then any ports found exposed that are not in the list will cause the trigger to fire. If type=blacklist, then any ports exposed that are in the list will cause the trigger to fire."
    params = (
        ACTUAL_ONLY,
        csv_int_param("ports", "List of port numbers.", "80,8080,8088", required=True),
        LIST_TYPE,
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if _skip(ctx, p):
            return
        for port in _ports(ctx, bool(p.get("actual_dockerfile_only"))):
            listed = port in p["ports"]
            if p["type"] == "blacklist" and listed:
                yield Fired(f"Dockerfile exposes port ({port}) which is in policy file DENIEDPORTS list")
            elif p["type"] == "whitelist" and not listed:
                yield Fired(f"Dockerfile exposes port ({port}) which is not in policy file ALLOWEDPORTS list")


class NoDockerfileTrigger(Trigger):
    name = "no_dockerfile_provided"
    description = "Triggers if anchore analysis was performed without supplying the actual image Dockerfile."

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if not ctx.dockerfile_actual:
            yield Fired("Image was not analyzed with an actual Dockerfile")


GATE = Gate(
    "dockerfile",
    "Checks against the content of a dockerfile if provided, or a guessed dockerfile based on docker layer history if the dockerfile is not provided.",
    (InstructionTrigger, EffectiveUserTrigger, ExposedPortsTrigger, NoDockerfileTrigger),
)

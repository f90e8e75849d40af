"""``passwd_file``: users, ids and shells in the image's /etc/passwd (retrieved at analysis)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from drydock.policy.context import ImageContext, PasswdEntry
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, csv_int_param, csv_param


class ContentNotAvailableTrigger(Trigger):
    name = "content_not_available"
    description = "Triggers if the /etc/passwd file is not present/stored in the evaluated image."

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        if ctx.passwd is None:
            yield Fired("Cannot locate /etc/passwd content in image")


class _EntryTrigger(Trigger):
    """Fires once per passwd entry whose field (``field``) is in the rule's list."""

    label: ClassVar[str]
    field: ClassVar[Callable[[PasswdEntry], Any]]

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        wanted = p[self.params[0].name]
        for entry in ctx.passwd or ():
            value = type(self).field(entry)
            if value is not None and value in wanted:
                yield Fired(
                    f"Blacklisted {self.label} '{value}' found in image's /etc/passwd: pw_entry={entry.line}"
                )


def _entry_trigger(
    name: str, description: str, param: Param, label: str, field: Callable[[PasswdEntry], Any]
) -> type[Trigger]:
    attrs = {
        "name": name,
        "description": description,
        "params": (param,),
        "label": label,
        "field": staticmethod(field),
    }
    return type(name, (_EntryTrigger,), attrs)


UsernamesTrigger = _entry_trigger(
    "blacklist_usernames",
    "Triggers if specified username is found in the /etc/passwd file",
    csv_param(
        "user_names",
        "List of usernames that will cause the trigger to fire if found in /etc/passwd.",
        "daemon,ftp",
        required=True,
    ),
    "user",
    lambda e: e.user,
)
UserIdsTrigger = _entry_trigger(
    "blacklist_userids",
    "Triggers if specified user id is found in the /etc/passwd file",
    csv_int_param(
        "user_ids",
        "List of userids (numeric) that will cause the trigger to fire if found in /etc/passwd.",
        "0,1",
        required=True,
    ),
    "user_id",
    lambda e: e.uid,
)
GroupIdsTrigger = _entry_trigger(
    "blacklist_groupids",
    "Triggers if specified group id is found in the /etc/passwd file",
    csv_int_param(
        "group_ids",
        "List of groupids (numeric) that will cause the trigger ot fire. If found in /etc/passwd.",
        "999,20",
        required=True,
    ),
    "group_id",
    lambda e: e.gid,
)
ShellsTrigger = _entry_trigger(
    "blacklist_shells",
    "Triggers if specified login shell for any user is found in the /etc/passwd file",
    csv_param("shells", "List of shell commands to blacklist.", "/bin/bash,/bin/zsh", required=True),
    "shell",
    lambda e: e.shell,
)


class FullEntryTrigger(Trigger):
    name = "blacklist_full_entry"
    description = "Triggers if entire specified passwd entry is found in the /etc/passwd file."
    params = (
        Param(
            "entry",
            "Full entry to match in /etc/passwd.",
            "ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin",
            required=True,
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for entry in ctx.passwd or ():
            if entry.line == p["entry"].strip():
                yield Fired(f"Blacklisted full entry found in image's /etc/passwd: pw_entry={entry.line}")


GATE = Gate(
    "passwd_file",
    "Content checks for /etc/passwd for things like usernames, group ids, shells, or full entries.",
    (
        ContentNotAvailableTrigger,
        UsernamesTrigger,
        UserIdsTrigger,
        GroupIdsTrigger,
        ShellsTrigger,
        FullEntryTrigger,
    ),
)

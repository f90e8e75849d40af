"""Building blocks of gates: typed trigger parameters, triggers, gates and what a trigger fires.

Bundle parameters are always strings. Each :class:`Param` turns its string into a typed value
once, when the bundle is compiled, so evaluation never re-parses (or re-compiles a regex); a
value that does not parse is a validation error naming the parameter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from drydock.policy.regex import InvalidRegex, compile_user

if TYPE_CHECKING:
    from drydock.policy.context import ImageContext

ACTIVE = "active"


class ParamError(ValueError):
    """A parameter value of the wrong type or outside its allowed values."""


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "1"):
        return True
    if v in ("false", "no", "0"):
        return False
    raise ParamError(f"{value!r} is not a boolean (true or false)")


def parse_int(value: str) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        raise ParamError(f"{value!r} is not an integer") from None
    if n < 0:
        raise ParamError(f"{value!r} must not be negative")
    return n


def parse_float(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ParamError(f"{value!r} is not a number") from None


def parse_csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_csv_int(value: str) -> tuple[int, ...]:
    return tuple(parse_int(v) for v in parse_csv(value))


def parse_regex(value: str) -> Any:
    try:
        return compile_user(value)
    except InvalidRegex as exc:
        raise ParamError(str(exc)) from None


def parse_mode(value: str) -> int:
    try:
        return int(value.strip(), 8)
    except ValueError:
        raise ParamError(f"{value!r} is not an octal file mode (e.g. 00644)") from None


@dataclass(frozen=True, slots=True)
class Param:
    """One trigger parameter: its name, documentation and parser (string → typed value)."""

    name: str
    description: str
    example: str | None = None
    required: bool = False
    parse: Callable[[str], Any] = str
    enum: tuple[str, ...] = ()
    kind: str = "string"

    def value(self, raw: str) -> Any:
        if self.enum:
            folded = {e.lower(): e for e in self.enum}
            if raw.strip().lower() not in folded:
                raise ParamError(f"{raw!r} is not one of {', '.join(self.enum)}")
            return folded[raw.strip().lower()]
        return self.parse(raw)

    def spec(self) -> dict[str, Any]:
        validator: dict[str, Any] = {"type": self.kind}
        if self.enum:
            validator = {"type": "enum", "enums": list(self.enum)}
        return {
            "name": self.name,
            "description": self.description,
            "example": self.example,
            "required": self.required,
            "state": ACTIVE,
            "superceded_by": None,
            "validator": validator,
        }


def enum_param(
    name: str, description: str, values: Sequence[str], *, required: bool = False, example: str | None = None
) -> Param:
    return Param(name, description, example or values[0], required, enum=tuple(values), kind="enum")


def bool_param(name: str, description: str, example: str = "true") -> Param:
    return Param(name, description, example, parse=parse_bool, kind="boolean")


def int_param(name: str, description: str, example: str, required: bool = False) -> Param:
    return Param(name, description, example, required, parse=parse_int, kind="integer")


def float_param(name: str, description: str, example: str) -> Param:
    return Param(name, description, example, parse=parse_float, kind="number")


def csv_param(name: str, description: str, example: str, required: bool = False) -> Param:
    return Param(name, description, example, required, parse=parse_csv, kind="comma-separated strings")


def csv_int_param(name: str, description: str, example: str, required: bool = False) -> Param:
    return Param(name, description, example, required, parse=parse_csv_int, kind="comma-separated integers")


def regex_param(name: str, description: str, example: str, required: bool = False) -> Param:
    return Param(name, description, example, required, parse=parse_regex, kind="regex")


@dataclass(frozen=True, slots=True)
class Fired:
    """One firing of a trigger. ``instance_id`` overrides the default id (md5 of gate, trigger
    and message), as the vulnerability trigger does with ``<VULN_ID>+<package>``."""

    message: str
    instance_id: str | None = None


def default_trigger_id(gate: str, trigger: str, message: str) -> str:
    return hashlib.md5((gate + trigger + message).encode(), usedforsecurity=False).hexdigest()


class Trigger:
    """A check on the image. Subclasses declare ``name``, ``description``, ``params`` and
    implement :meth:`evaluate`; :meth:`check` adds rules spanning several parameters."""

    name: ClassVar[str]
    description: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        raise NotImplementedError

    def check(self, p: dict[str, Any]) -> list[str]:
        return []

    @classmethod
    def param(cls, name: str) -> Param | None:
        return next((x for x in cls.params if x.name == name), None)

    @classmethod
    def spec(cls) -> dict[str, Any]:
        return {
            "name": cls.name,
            "description": cls.description,
            "state": ACTIVE,
            "superceded_by": None,
            "parameters": [p.spec() for p in cls.params],
        }


@dataclass(frozen=True, slots=True)
class Gate:
    name: str
    description: str
    triggers: tuple[type[Trigger], ...]
    by_name: dict[str, type[Trigger]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {t.name: t for t in self.triggers})

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "state": ACTIVE,
            "superceded_by": None,
            "triggers": [t.spec() for t in self.triggers],
        }


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}

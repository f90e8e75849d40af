"""Plain coercion for plain CLI parameters, so ``drydock sbom`` never imports pydantic.

typer ≥ 0.29 coerces every parameter value through a pydantic ``TypeAdapter`` built on first
use: importing pydantic and building the schemas costs ≈ 60 ms CPU, a tenth of a small image's
SBOM run, for values click has already parsed into strings. For the annotations a command
like ``sbom`` uses (``str``, ``list[str]``, ``Path``, flags) the coercion is done here with
typer's own rules; any other annotation, and a flag given a string (from an environment
variable), keeps typer's adapter.

This reaches into typer's internals (``_TyperParameter._runtime_param``, ``typer._coercion``):
with a typer that lacks them (older ones coerce without pydantic) the command is left as typer
built it, and a test asserts that the installed typer takes this path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - typer < 0.29 has no pydantic coercion to avoid
    RuntimeParam = None  # type: ignore[assignment,misc]

PLAIN = (str, list[str], Path, bool)


def _text(value: Any) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        """typer's coercion of ``str``, ``list[str]``, ``Path`` and ``bool`` without a
        TypeAdapter: a ``Path`` goes through typer's own path checks (exists, readable, ...)
        once it is one; a flag's value that is not already a bool goes to typer's adapter."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.annotation is bool:
                if isinstance(value, bool):
                    return value
                typer_own = build_runtime_param(resolve_type_descriptor(self.annotation, self.parameter_info))
                return typer_own._coerce_value(value, param=param, ctx=ctx)
            if self.annotation == list[str]:
                return [_text(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
            if self.annotation is Path:
                info = self.parameter_info
                path_type: Any = info.path_type or Path
                text = _text(value)
                path = path_type(text) if issubclass(path_type, Path) else text
                return coerce_cli_path(path, info, path_type=path_type, param=param, ctx=ctx)
            return _text(value)


def without_pydantic(command: Any, ctx: Any) -> Any:
    """Give ``command``'s plain parameters (``--help`` included, which typer makes on demand
    for ``ctx``) the coercion above, in place; returned for chaining. Parameters with a custom
    parser or another annotation are not touched."""
    if RuntimeParam is None:  # pragma: no cover - see the module docstring
        return command
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if (
            descriptor is None
            or getattr(param, "_runtime_param", "absent") is not None
            or descriptor.file_annotation is not None
            or descriptor.parameter_info.parser is not None
            or descriptor.annotation not in PLAIN
        ):
            continue
        param._runtime_param = PlainRuntimeParam(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )
    return command

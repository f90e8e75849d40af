"""The files view of an analysis: every path of the final tree, the setuid/setgid ones, and
the retrieved files (Anchore's ``retrieve_files``: small files such as ``/etc/passwd`` stored
verbatim so the passwd_file and retrieved_files policy gates can read them later).
"""

from __future__ import annotations

from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import FileEntry

_WILD = set("*?[{")


def file_list(resolver: FileResolver) -> list[FileEntry]:
    return sorted(resolver.entries(), key=lambda e: e.path)


def suid_files(entries: list[FileEntry]) -> list[FileEntry]:
    """Entries with setuid or setgid set (the files gate's suid_or_guid_set)."""
    return [e for e in entries if e.is_setuid or e.is_setgid]


def retrieve_files(
    resolver: FileResolver, paths: tuple[str, ...], max_bytes: int
) -> tuple[dict[str, bytes], list[str]]:
    """Contents of the listed paths (globs allowed) up to ``max_bytes`` each; a file too large
    is reported, a missing one is simply absent (the gate's content_not_available)."""
    out: dict[str, bytes] = {}
    warnings: list[str] = []
    for spec in paths:
        targets = [e.path for e in resolver.glob(spec)] if _WILD & set(spec) else [spec]
        for path in targets:
            entry = resolver.resolve(path)
            if entry is None:
                continue
            if entry.size > max_bytes:
                warnings.append(
                    f"retrieve_files: {path} is {entry.size} bytes, over the {max_bytes}-byte limit"
                )
                continue
            try:
                out[path] = resolver.read_bytes(path)
            except FileNotFoundError:
                continue
            except FileTooLarge as exc:
                warnings.append(f"retrieve_files: {exc}")
    return out, warnings

"""Recognise the few licence texts that dominate package licence files.

Lock files and metadata often carry no licence field, only a LICENSE file; syft classifies such
files by content. A full licence-text classifier is out of scope, but the common permissive
licences have unmistakable sentences, which is enough to name them with confidence.
"""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")

# (SPDX id, phrases that must all occur, phrases that must not occur), most specific first.
_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Apache-2.0", ("apache license", "version 2.0"), ()),
    ("MIT", ("permission is hereby granted, free of charge",), ()),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",), ()),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name"), ()),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",), ("neither the name",)),
    ("GPL-3.0-only", ("gnu general public license", "version 3"), ("lesser", "library")),
    ("GPL-2.0-only", ("gnu general public license", "version 2"), ("lesser", "library")),
    ("LGPL-2.1-only", ("gnu lesser general public license", "version 2.1"), ()),
    ("MPL-2.0", ("mozilla public license", "2.0"), ()),
)


def classify(text: str) -> str | None:
    """The SPDX id of a recognised licence text, else None."""
    flat = _WS.sub(" ", text[:200_000].lower())
    for spdx, needed, excluded in _RULES:
        if all(p in flat for p in needed) and not any(p in flat for p in excluded):
            return spdx
    return None

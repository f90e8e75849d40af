"""CPE names: the well-formed name (WFN) and its two bindings.

* CPE 2.3 formatted string ``cpe:2.3:a:vendor:product:version:...`` (11 attributes, special
  characters backslash-escaped, ``*`` = ANY, ``-`` = NA);
* CPE 2.2 URI ``cpe:/a:vendor:product:version:update:edition:language`` (percent-encoded,
  the 2.3 extended attributes packed into the edition as ``~ed~sw_ed~target_sw~target_hw~other``).

Attribute values are kept as syft's ``cpe.Attributes`` keeps them: unescaped, except that a
literal backslash, star or question mark stays quoted (preceded by a backslash), because an
unquoted star or question mark is a wildcard; "" means ANY.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from urllib.parse import unquote

ANY = ""
NA = "-"
FIELD_NAMES = ("Part", "Vendor", "Product", "Version", "Update", "Edition", "Language",
               "SwEdition", "TargetSw", "TargetHw", "Other")

_UNESCAPED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

# The CPE 2.3 specification's validation pattern for formatted strings (NISTIR 7695 §6.2).
_AVSTRING = r"""(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@\[\]\^`{|}~]))+(\?*|\*?))|[*\-])"""
_LANG = r"""(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*\-])"""
_FORMATTED_RE = re.compile(rf"^cpe:2\.3:[aho*\-](:{_AVSTRING}){{5}}(:{_LANG})(:{_AVSTRING}){{4}}$")


class CPEError(ValueError):
    """Not a parseable CPE name."""


@dataclass(frozen=True, slots=True)
class Attributes:
    Part: str = ANY
    Vendor: str = ANY
    Product: str = ANY
    Version: str = ANY
    Update: str = ANY
    Edition: str = ANY
    Language: str = ANY
    SwEdition: str = ANY
    TargetSw: str = ANY
    TargetHw: str = ANY
    Other: str = ANY

    def to_dict(self) -> dict[str, str]:
        return dict(zip(FIELD_NAMES, _values(self)))

    def __str__(self) -> str:
        return format_cpe(self)


# Plain attribute access in field order: ``dataclasses.astuple`` deep-copies every value and
# dominated CPE generation (≈ 75 000 names for a 2 000-package image).
_values = operator.attrgetter(*FIELD_NAMES)
_KEPT_QUOTED = frozenset("\\*?")


@functools.lru_cache(maxsize=16384)
def _escape(value: str) -> str:
    """Cached: the same vendors, products and versions recur across every candidate pair."""
    if value == ANY:
        return "*"
    if value == NA:
        return NA
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(value[i : i + 2])  # already quoted
            i += 2
            continue
        out.append(c if c in _UNESCAPED or c in "*?" else "\\" + c)
        i += 1
    return "".join(out)


def format_cpe(attrs: Attributes) -> str:
    """The CPE 2.3 formatted string binding."""
    return "cpe:2.3:" + ":".join(map(_escape, _values(attrs)))


def _split_formatted(body: str) -> list[str]:
    """Split on unescaped colons, keeping escapes for ``_unescape``."""
    parts, current, i = [], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if c == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    if value == "*":
        return ANY
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append(value[i : i + 2] if nxt in _KEPT_QUOTED else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse_formatted(text: str) -> Attributes:
    """A CPE 2.3 formatted string; missing trailing attributes are ANY, spaces become "_"."""
    text = text.strip().replace(" ", "_")
    if not text.lower().startswith("cpe:2.3:"):
        raise CPEError(f"not a CPE 2.3 formatted string: {text!r}")
    parts = _split_formatted(text[len("cpe:2.3:") :])
    if len(parts) > len(FIELD_NAMES) or len(parts) < 3:
        raise CPEError(f"CPE 2.3 string must have 11 attributes, got {len(parts)}: {text!r}")
    parts += ["*"] * (len(FIELD_NAMES) - len(parts))
    attrs = Attributes(*(_unescape(p) for p in parts))
    if not _FORMATTED_RE.match(format_cpe(attrs)):
        raise CPEError(f"invalid CPE 2.3 string: {text!r}")
    return attrs


def _uri_value(raw: str) -> str:
    """Percent-decode, re-quoting the characters the attribute form keeps quoted."""
    return "".join("\\" + c if c in _KEPT_QUOTED else c for c in unquote(raw))


def parse_uri(text: str) -> Attributes:
    """A CPE 2.2 URI (with the 2.3 packed-edition extension)."""
    text = text.strip()
    if not text.lower().startswith("cpe:/"):
        raise CPEError(f"not a CPE URI: {text!r}")
    parts = text[len("cpe:/") :].split(":")
    if len(parts) > 7:
        raise CPEError(f"CPE URI has too many components: {text!r}")
    parts += [""] * (7 - len(parts))
    part, vendor, product, version, update, edition, language = (_uri_value(p) for p in parts)
    extended = ["", "", "", "", ""]
    if parts[5].startswith("~"):
        packed = parts[5][1:].split("~")
        if len(packed) != 5:
            raise CPEError(f"malformed packed edition in {text!r}")
        extended = [_uri_value(p) for p in packed]
    else:
        extended[0] = edition
    edition, sw_edition, target_sw, target_hw, other = extended
    return Attributes(part, vendor, product, version, update, edition, language,
                      sw_edition, target_sw, target_hw, other)


def parse_cpe(text: str) -> Attributes:
    """Either binding."""
    if text.strip().lower().startswith("cpe:/"):
        return parse_uri(text)
    return parse_formatted(text)


def normalize_cpe(text: str) -> str:
    """Parse and re-format: the canonical 2.3 string for any accepted spelling."""
    return format_cpe(parse_cpe(text))


def is_valid(attrs: Attributes) -> bool:
    return is_valid_formatted(format_cpe(attrs))


def is_valid_formatted(text: str) -> bool:
    """``is_valid`` for a name already formatted (callers that keep the string skip a re-format)."""
    return bool(_FORMATTED_RE.match(text))


def specificity(attrs: Attributes, formatted: str) -> tuple[int, int, str]:
    """syft's BySpecificity key: weighted count of set fields, then total field length,
    then the formatted string itself (all ascending after negation)."""
    weights = ((attrs.Part, 2), (attrs.Vendor, 3), (attrs.Product, 4), (attrs.Version, 1), (attrs.TargetSw, 1))
    score = sum(w for value, w in weights if value != ANY)
    length = sum(len(value) for value, _ in weights)
    return (-score, -length, formatted)


def sort_by_specificity(cpes: list[Attributes]) -> list[Attributes]:
    return sorted(cpes, key=lambda attrs: specificity(attrs, format_cpe(attrs)))

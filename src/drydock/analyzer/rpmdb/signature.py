"""Package signatures: OpenPGP signature packets from the header → rpm's one-line summary
("RSA/SHA256, Mon Apr  3 18:10:39 2023, Key ID 199e2f91fd431d51") → structured records.

Only the fields rpm prints are decoded (algorithms, creation time, issuer key id); the
signature itself is not verified — that is the package manager's job at install time.
"""

from __future__ import annotations

import struct
import time
from typing import Any

PUBKEY_ALGORITHMS = {1: "RSA", 2: "RSA", 3: "RSA", 16: "ELGAMAL", 17: "DSA", 19: "ECDSA", 22: "EdDSA"}
HASH_ALGORITHMS = {1: "MD5", 2: "SHA1", 3: "RIPEMD160", 8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224"}
SUBPACKET_CREATED, SUBPACKET_ISSUER, SUBPACKET_ISSUER_FPR = 2, 16, 33
# English names regardless of the process locale (rpm prints these in the C locale)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _packet_body(data: bytes) -> bytes:
    """The body of the first OpenPGP packet (old or new format header)."""
    if not data or not data[0] & 0x80:
        raise ValueError("not an OpenPGP packet")
    tag = data[0]
    if tag & 0x40:  # new format
        first = data[1]
        if first < 192:
            return data[2 : 2 + first]
        if first < 224:
            return data[3 : 3 + ((first - 192) << 8) + data[2] + 192]
        if first == 255:
            return data[6 : 6 + struct.unpack_from(">I", data, 2)[0]]
        raise ValueError("partial-length OpenPGP packets are not used for signatures")
    length_type = tag & 0x03
    if length_type == 3:
        return data[1:]
    size = 1 << length_type
    length = int.from_bytes(data[1 : 1 + size], "big")
    return data[1 + size : 1 + size + length]


def _subpackets(area: bytes) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    pos = 0
    while pos < len(area):
        first = area[pos]
        if first < 192:
            length, pos = first, pos + 1
        elif first < 255:
            if pos + 1 >= len(area):
                break
            length, pos = ((first - 192) << 8) + area[pos + 1] + 192, pos + 2
        else:
            if pos + 5 > len(area):
                break
            length, pos = struct.unpack_from(">I", area, pos + 1)[0], pos + 5
        if length == 0 or pos + length > len(area):
            break
        out.setdefault(area[pos] & 0x7F, area[pos + 1 : pos + length])
        pos += length
    return out


def format_signature(packet: bytes) -> str:
    """rpm's ``%{RSAHEADER:pgpsig}`` rendering of a signature packet; ValueError if malformed."""
    body = _packet_body(packet)
    if len(body) < 19:
        raise ValueError("truncated signature packet")
    if body[0] in (2, 3):
        created, key_id = struct.unpack_from(">I", body, 3)[0], body[7:15]
        pubkey, digest = body[15], body[16]
    elif body[0] in (4, 5):
        pubkey, digest = body[2], body[3]
        hashed_len = struct.unpack_from(">H", body, 4)[0]
        hashed = body[6 : 6 + hashed_len]
        unhashed_at = 6 + hashed_len
        unhashed_len = struct.unpack_from(">H", body, unhashed_at)[0] if unhashed_at + 2 <= len(body) else 0
        subs = {**_subpackets(body[unhashed_at + 2 : unhashed_at + 2 + unhashed_len]), **_subpackets(hashed)}
        if SUBPACKET_CREATED not in subs:
            raise ValueError("signature without creation time")
        created = struct.unpack(">I", subs[SUBPACKET_CREATED][:4])[0]
        key_id = subs.get(SUBPACKET_ISSUER) or subs.get(SUBPACKET_ISSUER_FPR, b"")[-8:]
    else:
        raise ValueError(f"unsupported signature version {body[0]}")
    t = time.gmtime(created)
    stamp = (f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:>2} "
             f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} {t.tm_year}")
    algo = f"{PUBKEY_ALGORITHMS.get(pubkey, str(pubkey))}/{HASH_ALGORITHMS.get(digest, str(digest))}"
    return f"{algo}, {stamp}, Key ID {key_id.hex()}"


def parse_signatures(summaries: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """rpm signature summaries → syft's RpmSignature records, plus one error per bad entry
    (valid entries are kept even when others are malformed). Empty strings are skipped."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for summary in summaries:
        if not summary.strip():
            continue
        parts = [p.strip() for p in summary.split(",")]
        if len(parts) != 3:
            errors.append(f"invalid signature {summary!r}: expected 3 comma-separated parts")
            continue
        method, created, issuer = parts
        pubkey, slash, digest = method.partition("/")
        issuer = issuer.removeprefix("Key ID").strip()
        if not slash or not pubkey or not digest or not created or not issuer:
            errors.append(f"invalid signature {summary!r}")
            continue
        out.append({"PublicKeyAlgorithm": pubkey, "HashAlgorithm": digest, "Created": created, "IssuerKeyID": issuer})
    return out, errors

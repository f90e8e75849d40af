"""A minimal Docker token server on 127.0.0.1 for bearer-auth tests with a real registry.

It checks basic credentials, grants the scope asked for, and signs RS256 JWTs with a fresh
self-signed certificate carried in the ``x5c`` header, which the registry verifies against its
``rootcertbundle`` (write ``server.cert_pem`` there). ``server.requests`` records each token
request's scope so tests can observe caching.
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _self_signed() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "drydock-test-token-signer")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _access(scope: str | None) -> list[dict[str, object]]:
    if not scope:
        return []
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    return [{"type": kind, "name": name, "actions": actions.split(",")}]


@dataclass
class TokenServer:
    username: str
    password: str
    service: str = "drydock-test-registry"
    issuer: str = "drydock-test-issuer"
    requests: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key, self._cert = _self_signed()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/token"

    def write_cert(self, path: Path) -> Path:
        path.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))
        return path

    def start(self) -> TokenServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def issue(self, scope: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.username,
            "aud": self.service,
            "iat": now,
            "nbf": now - 10,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            "access": _access(scope),
        }
        x5c = [base64.b64encode(self._cert.public_bytes(serialization.Encoding.DER)).decode()]
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"x5c": x5c})

    def _authorized(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                query = parse_qs(urlparse(self.path).query)
                scope = query.get("scope", [None])[0]
                server.requests.append(scope)
                if not server._authorized(self.headers.get("Authorization")):
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps({"token": server.issue(scope), "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler

"""HTTP transport for the Registry v2 / OCI distribution API: scheme choice, auth, retries.

* HTTPS by default. Plain HTTP is only used for loopback hosts (``localhost``, ``127.*``,
  ``::1``) or with ``insecure=True``, and only after an HTTPS attempt failed (Docker's rule);
  ``insecure`` also skips TLS certificate verification.
* Auth: anonymous first; on a 401 challenge, ``Basic`` sends the credentials, ``Bearer`` asks
  the challenge's token endpoint for a token with the request's scope (with the credentials as
  basic auth, if any). Tokens are cached per scope until shortly before they expire.
  Credentials are never sent to a plain-HTTP token endpoint on a non-loopback host.
* Every request has explicit connect/read timeouts (``RegistrySettings``) and is retried with
  exponential backoff on connection errors, timeouts, 429 and 5xx, a bounded number of times
  (``Retry-After`` is honoured up to ``backoff_max``). Bodies that fail mid-stream are not
  retried here: layer downloads resume with ``Range`` requests (``blob_reader``).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from drydock.analyzer.sources.auth import Challenge, Credentials, parse_challenge
from drydock.analyzer.sources.base import AuthError, SourceError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ERROR_BODY = 16 * 1024


@dataclass(frozen=True, slots=True)
class RegistrySettings:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3  # extra attempts after the first
    backoff_base: float = 0.5  # seconds; doubled each retry
    backoff_max: float = 8.0
    upload_chunk_size: int | None = None  # None = monolithic uploads
    token_expiry_margin: float = 30.0  # refresh tokens this many seconds before they expire


def is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@functools.cache
def _verifying_ssl_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs tens of milliseconds per client."""
    return ssl.create_default_context()


@dataclass(slots=True)
class _Token:
    value: str
    expires_at: float


class RegistryClient:
    """One registry host. Not picklable by design: sources create it lazily per process."""

    def __init__(
        self,
        host: str,
        *,
        credentials: Credentials | None = None,
        insecure: bool = False,
        settings: RegistrySettings | None = None,
    ) -> None:
        self.host = host
        self.credentials = credentials
        self.insecure = insecure
        self.settings = settings or RegistrySettings()
        self._http = httpx.Client(
            verify=False if insecure else _verifying_ssl_context(),
            follow_redirects=True,
            timeout=httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout),
        )
        self._base_url: str | None = None
        self._use_basic = False
        self._tokens: dict[str, _Token] = {}

    # -- scheme -------------------------------------------------------------------------------
    @property
    def plain_http_allowed(self) -> bool:
        return self.insecure or is_loopback(self.host)

    def base_url(self) -> str:
        if self._base_url is None:
            self._base_url = self._probe_scheme()
        return self._base_url

    def _probe_scheme(self) -> str:
        https = f"https://{self.host}"
        if not self.plain_http_allowed:
            return https
        try:
            self._http.get(f"{https}/v2/").close()
            return https
        except httpx.TransportError:
            return f"http://{self.host}"

    def close(self) -> None:
        self._http.close()

    # -- requests -----------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        scope: str | None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        params: Mapping[str, str] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send with auth and retries. Non-2xx answers other than auth failures are returned
        for the caller to interpret; 401/403 after authenticating raise ``AuthError``."""
        url = path if path.startswith(("http://", "https://")) else self.base_url() + path
        response = self._send_retrying(
            method, url, self._auth_headers(url, headers, scope), content, params, stream
        )
        if response.status_code != 401:
            return self._check_denied(response, url)
        challenge = parse_challenge(response.headers.get("www-authenticate", ""))
        response.close()
        self._answer_challenge(challenge, scope)
        response = self._send_retrying(
            method, url, self._auth_headers(url, headers, scope), content, params, stream
        )
        if response.status_code == 401:
            raise AuthError(self._auth_failure_message() + error_detail(response))
        return self._check_denied(response, url)

    def _check_denied(self, response: httpx.Response, url: str) -> httpx.Response:
        if response.status_code == 403:
            detail = error_detail(response)
            raise AuthError(f"registry {self.host} denied access to {httpx.URL(url).path}{detail}")
        return response

    def _auth_failure_message(self) -> str:
        if self.credentials is None:
            return f"registry {self.host} requires authentication and no credentials were given"
        return f"registry {self.host} rejected the credentials of user {self.credentials.username!r}"

    def _auth_headers(self, url: str, headers: Mapping[str, str] | None, scope: str | None) -> dict[str, str]:
        """Credentials go only to the registry itself, never to another host named by an
        absolute ``Location`` or ``Link``."""
        out = dict(headers or {})
        if httpx.URL(url).netloc != httpx.URL(self.base_url()).netloc:
            return out
        if self._use_basic and self.credentials is not None:
            out["Authorization"] = self.credentials.basic_header()
            return out
        token = self._tokens.get(scope or "")
        if token is not None and token.expires_at > time.monotonic():
            out["Authorization"] = f"Bearer {token.value}"
        return out

    def _answer_challenge(self, challenge: Challenge, scope: str | None) -> None:
        if challenge.scheme == "basic":
            if self.credentials is None or self._use_basic:
                raise AuthError(self._auth_failure_message())
            self._use_basic = True
        elif challenge.scheme == "bearer":
            self._tokens[scope or ""] = self._fetch_token(challenge, scope)
        else:
            raise AuthError(f"registry {self.host} asked for unsupported auth scheme {challenge.scheme!r}")

    def _fetch_token(self, challenge: Challenge, scope: str | None) -> _Token:
        realm = challenge.params.get("realm", "")
        realm_url = httpx.URL(realm) if realm else None
        if realm_url is None or realm_url.scheme not in ("http", "https"):
            raise AuthError(f"registry {self.host} sent a bearer challenge without a usable realm: {realm!r}")
        if realm_url.scheme == "http" and not (self.insecure or is_loopback(realm_url.netloc.decode())):
            raise AuthError(f"refusing to fetch a token over plain HTTP from {realm}")
        params = {"service": challenge.params["service"]} if "service" in challenge.params else {}
        if scope:
            params["scope"] = scope
        headers = {"Authorization": self.credentials.basic_header()} if self.credentials else {}
        response = self._send_retrying("GET", realm, headers, None, params, False)
        if response.status_code in (401, 403):
            raise AuthError(self._auth_failure_message())
        if response.status_code != 200:
            raise SourceError(f"token endpoint {realm} answered HTTP {response.status_code}")
        return self._parse_token(response, realm)

    def _parse_token(self, response: httpx.Response, realm: str) -> _Token:
        try:
            body: Any = response.json()
        except ValueError as exc:
            raise SourceError(f"token endpoint {realm} returned invalid JSON") from exc
        value = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise SourceError(f"token endpoint {realm} returned no token")
        expires_in = body.get("expires_in", 60)
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 60.0
        margin = min(self.settings.token_expiry_margin, lifetime / 2)
        return _Token(value, time.monotonic() + lifetime - margin)

    def _send_retrying(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        params: Mapping[str, str] | None,
        stream: bool,
    ) -> httpx.Response:
        settings = self.settings
        last_problem = ""
        last_retry_after: float | None = None
        for attempt in range(settings.retries + 1):
            if attempt:
                time.sleep(self.backoff_delay(attempt, last_retry_after))
            last_retry_after = None
            try:
                request = self._http.build_request(
                    method, url, headers=headers, content=content, params=params
                )
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                continue
            if response.status_code not in RETRY_STATUSES:
                return response
            last_problem = f"HTTP {response.status_code}"
            last_retry_after = _retry_after(response.headers.get("retry-after"))
            response.close()
        raise SourceError(
            f"registry {self.host} unavailable after {settings.retries + 1} attempts "
            f"({method} {httpx.URL(url).path}): {last_problem}"
        )

    def backoff_delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        settings = self.settings
        backoff = settings.backoff_base * (2 ** (attempt - 1))
        return min(settings.backoff_max, max(backoff, retry_after or 0.0))


def expect_status(response: httpx.Response, statuses: tuple[int, ...], what: str) -> None:
    """Raise a ``SourceError`` naming ``what`` unless the status is one of ``statuses``."""
    if response.status_code in statuses:
        return
    detail = error_detail(response)
    if response.status_code == 404:
        raise SourceError(f"{what}: not found (HTTP 404){detail}")
    raise SourceError(f"{what}: unexpected HTTP {response.status_code}{detail}")


def error_detail(response: httpx.Response) -> str:
    """``" (CODE: message)"`` from a distribution-spec error body, read at most
    ``MAX_ERROR_BODY`` bytes; empty when the body says nothing usable. Closes the response."""
    body = b""
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_ERROR_BODY:
                return ""
        errors = json.loads(body).get("errors") if body else None
        first = errors[0] if isinstance(errors, list) and errors else None
        if isinstance(first, dict):
            return f" ({first.get('code', 'ERROR')}: {first.get('message', '')})"
    except (httpx.HTTPError, ValueError, AttributeError):
        pass
    finally:
        response.close()
    return ""


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None

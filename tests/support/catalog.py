"""Push test images to a real registry and wait for the catalog to analyze them."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support.images import _files_from_dir, build_image
from tests.support.paths import SHARED
from tests.support.registry import RunningRegistry, push

DPKG_ROOT = SHARED / "fixtures" / "pkgdb" / "dpkg" / "image-dpkg"


def push_files(
    reg: RunningRegistry, reference: str, files: dict[str, bytes] | None = None, **kw: object
) -> str:
    """Push a one-layer image (default: the Debian dpkg fixture) and return its digest. A file
    naming the repository keeps images of different repositories distinct (tests share one
    registry and one database), while tags of one repository can share a digest."""
    layer = dict(files) if files is not None else _files_from_dir(DPKG_ROOT)
    layer["etc/drydock-test-repository"] = reference.split(":", 1)[0].encode()
    return push(reg, reference, build_image([layer], **kw))  # type: ignore[arg-type]


def wait_until(fn: Callable[[], object], timeout: float = 60.0, interval: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def wait_analyzed(api: TestClient, digest: str, account: str | None = None, timeout: float = 60.0) -> dict:
    headers = {"x-anchore-account": account} if account else {}

    def done() -> dict | None:
        image = api.get(f"/v1/images/{digest}", headers=headers).json()[0]
        return image if image["analysis_status"] in ("analyzed", "analysis_failed") else None

    return wait_until(done, timeout)  # type: ignore[return-value]

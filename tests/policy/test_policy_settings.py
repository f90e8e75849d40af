"""The policy engine's settings: the policy_eval watcher's cycle, and the file digests the
platform's analyzer computes for packages:verify."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from drydock.core.config import Settings
from drydock.runtime.services import SERVICES
from tests.support.app import make_runtime


def _interval(settings_dir: Path, **overrides: object) -> float:
    runtime = make_runtime(f"sqlite:///{settings_dir / 'd.db'}", settings_dir, **overrides)
    [task] = [t for t in SERVICES["policy"].tasks() if t.name == "policy_eval"]
    return task.interval(runtime)


def test_policy_eval_interval_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _interval(tmp_path) == 300.0  # the reference's cycle
    assert _interval(tmp_path, policy={"policy_eval_seconds": 7}) == 7.0
    monkeypatch.setenv("DRYDOCK_POLICY__POLICY_EVAL_SECONDS", "42")
    assert _interval(tmp_path) == 42.0
    with pytest.raises(ValidationError):
        Settings(policy={"policy_eval_seconds": 0})


def test_platform_file_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().analyzer.file_digest_algorithms == ["sha256", "md5", "sha1"]
    monkeypatch.setenv("DRYDOCK_ANALYZER__FILE_DIGEST_ALGORITHMS", '["sha256"]')
    assert Settings().analyzer.file_digest_algorithms == ["sha256"]
    with pytest.raises(ValidationError, match="unknown digest algorithm"):
        Settings(analyzer={"file_digest_algorithms": ["sha256", "crc32"]})

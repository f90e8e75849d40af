from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from drydock.core.config import ALL_SERVICES, ConfigError, Settings


def test_defaults_need_no_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRYDOCK_CONFIG", raising=False)
    s = Settings(data_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'drydock.db'}"
    assert (s.host, s.port) == ("127.0.0.1", 8228)
    assert s.services == list(ALL_SERVICES)


def test_precedence_flags_over_env_over_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("port: 9000\nhost: 0.0.0.0\nlog_level: DEBUG\nauth:\n  token_expiration_seconds: 60\n")
    monkeypatch.setenv("DRYDOCK_CONFIG", str(cfg))
    monkeypatch.setenv("DRYDOCK_PORT", "9100")
    monkeypatch.setenv("DRYDOCK_TIMERS__HEARTBEAT_SECONDS", "2.5")
    s = Settings(host="127.0.0.2")
    assert s.port == 9100  # env beats yaml
    assert s.host == "127.0.0.2"  # init (CLI flags) beats yaml
    assert s.log_level == "DEBUG"  # from yaml
    assert s.auth.token_expiration_seconds == 60
    assert s.timers.heartbeat_seconds == 2.5


def test_secrets_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRYDOCK_ADMIN_PASSWORD", "s3cr3t-value")
    s = Settings()
    assert "s3cr3t-value" not in repr(s)
    assert "s3cr3t-value" not in str(s.model_dump())
    assert s.admin_password is not None and s.admin_password.get_secret_value() == "s3cr3t-value"


def test_services_list_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRYDOCK_SERVICES", "api, catalog")
    assert Settings().services == ["api", "catalog"]


def test_unknown_service_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown service"):
        Settings(services="api,bogus")


def test_bad_yaml_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("port: [unclosed\n")
    monkeypatch.setenv("DRYDOCK_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="not valid YAML"):
        Settings()


def test_unknown_key_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("prot: 1\n")
    monkeypatch.setenv("DRYDOCK_CONFIG", str(cfg))
    with pytest.raises(ValidationError, match="prot"):
        Settings()

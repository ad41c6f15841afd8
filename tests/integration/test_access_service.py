"""The access service on a real Redis and database: sign-in, password change, refresh rotation,
throttling, disabling (refused at once by another service), the audit trail and the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.access.app import create_app as access_app
from services.access.settings import AccessSettings
from services.cli import app as cli
from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from shared.db import create_db_engine
from tests.helpers import eventually

ADMIN_PASSWORD = "khởi-tạo-Lào-Cai-2026"


@pytest.fixture
def settings(redis_url: str, database_url: str, tmp_path: Path) -> AccessSettings:
    return AccessSettings(
        redis_url=redis_url,
        database_url=database_url,
        keys_dir=str(tmp_path / "keys"),
        bootstrap_admin_password=ADMIN_PASSWORD,
        login_max_failures=3,
    )


@pytest.fixture
def access(settings: AccessSettings) -> Iterator[TestClient]:
    with TestClient(access_app(settings)) as client:
        yield client


def sign_in(client: TestClient, username: str, password: str) -> Any:
    return client.post(
        "/token", data={"grant_type": "password", "username": username, "password": password}
    )


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def admin(access: TestClient) -> dict[str, str]:
    """Sign in as the first administrator and change the bootstrap password."""
    first = sign_in(access, "admin", ADMIN_PASSWORD).json()
    changed = access.post(
        "/me/password",
        json={"current_password": ADMIN_PASSWORD, "new_password": "quản-trị-mới-2026"},
        headers=bearer(first),
    )
    assert changed.status_code == 200, changed.text
    return bearer(changed.json())


def add_officer(access: TestClient, headers: dict[str, str], name: str = "canbo.tbl") -> str:
    made = access.post(
        "/users",
        json={
            "username": name,
            "display_name": "Cán bộ xã",
            "grants": [{"role": "commune_officer", "areas": ["commune:04570"]}],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    one_time = made.json()["one_time_password"]
    tokens = sign_in(access, name, one_time).json()
    new = "mật-khẩu-mới-Yên-Bái-9"
    changed = access.post(
        "/me/password",
        json={"current_password": one_time, "new_password": new},
        headers=bearer(tokens),
    )
    assert changed.status_code == 200, changed.text
    return new


def test_first_administrator_must_change_the_bootstrap_password_first(
    access: TestClient,
) -> None:
    tokens = sign_in(access, "admin", ADMIN_PASSWORD).json()
    assert tokens["must_change_password"] is True
    refused = access.get("/users", headers=bearer(tokens))
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "password_change_required"
    weak = access.post(
        "/me/password",
        json={"current_password": ADMIN_PASSWORD, "new_password": "admin12345"},
        headers=bearer(tokens),
    )
    assert weak.status_code == 422
    headers = admin(access)
    assert access.get("/users", headers=headers).status_code == 200
    assert access.get("/me", headers=headers).json()["grants"][0]["role"] == "province_admin"
    # the old token, issued before the change, is refused now
    assert access.get("/me", headers=bearer(tokens)).status_code == 401


def test_refresh_token_rotates_and_a_replayed_one_ends_the_session(access: TestClient) -> None:
    headers = admin(access)
    password = add_officer(access, headers)
    first = sign_in(access, "canbo.tbl", password).json()
    second = access.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    replay = access.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    # the replay revoked the whole family, the legitimate newer token included
    after = access.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"]},
    )
    assert after.status_code == 401


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(
    access: TestClient,
) -> None:
    for _ in range(3):
        assert sign_in(access, "admin", "sai-mật-khẩu-123").status_code == 401
    locked = sign_in(access, "admin", ADMIN_PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "thử lại" in locked.json()["detail"][0]["message_vi"]


async def test_a_disabled_user_is_refused_at_once_by_another_service(
    access: TestClient, settings: AccessSettings, redis_url: str, tmp_path: Path
) -> None:
    headers = admin(access)
    password = add_officer(access, headers)
    officer = bearer(sign_in(access, "canbo.tbl", password).json())
    refresh = sign_in(access, "canbo.tbl", password).json()["refresh_token"]
    intake_settings = IntakeSettings(
        redis_url=redis_url,
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        auth_jwks_file=str(Path(settings.keys_dir) / "jwks.json"),
    )
    with TestClient(intake_app(intake_settings)) as intake:
        assert intake.post("/surveys/batch", json=[], headers=officer).status_code == 200
        started = time.monotonic()
        assert access.post("/users/canbo.tbl/disable", headers=headers).status_code == 200
        await eventually(
            lambda: intake.post("/surveys/batch", json=[], headers=officer).status_code == 401,
            timeout=2.0,
            interval=0.01,
        )
        refused_after = time.monotonic() - started
    assert refused_after < 1.0
    assert sign_in(access, "canbo.tbl", password).status_code == 401
    again = access.post("/token", data={"grant_type": "refresh_token", "refresh_token": refresh})
    assert again.status_code == 401


def test_every_account_change_is_in_the_audit_trail_which_cannot_be_edited(
    access: TestClient, database_url: str
) -> None:
    headers = admin(access)
    add_officer(access, headers)
    access.post("/users/canbo.tbl/password-reset", headers=headers)
    access.put(
        "/users/canbo.tbl/grants",
        json=[{"role": "commune_officer", "areas": ["commune:04570", "commune:04681"]}],
        headers=headers,
    )
    entries = access.get("/audit?kind=user", headers=headers).json()["entries"]
    actions = [e["action"] for e in entries]
    assert actions[:2] == ["user.added", "user.password_changed"]  # the bootstrap admin
    assert {"user.password_reset", "user.grants_changed"} <= set(actions)
    changed = next(e for e in entries if e["action"] == "user.grants_changed")
    assert changed["actor_name"] == "admin"
    assert changed["before"] == {"grants": "commune_officer@commune:04570"}
    assert access.get("/audit/verify", headers=headers).json()["intact"] is True
    engine = create_db_engine(database_url)
    for statement in ("UPDATE audit_entry SET actor_name = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_a_form_token_is_issued_once_and_revoked_by_disabling_its_account(
    access: TestClient,
) -> None:
    headers = admin(access)
    made = access.post(
        "/machines",
        json={"name": "kobo-tbl", "form_id": "giamngheo_phieu_b", "areas": ["commune:04570"]},
        headers=headers,
    )
    assert made.status_code == 201
    form = {"Authorization": f"Bearer {made.json()['token']}"}
    assert access.get("/me", headers=form).json()["grants"][0]["role"] == "form_webhook"
    assert sign_in(access, "kobo-tbl", "anything-at-all").status_code == 401
    access.post("/users/kobo-tbl/disable", headers=headers)
    assert access.get("/me", headers=form).status_code == 401


def test_operator_cli_adds_lists_grants_resets_and_disables_users(
    settings: AccessSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCESS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ACCESS_KEYS_DIR", settings.keys_dir)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    run = CliRunner()
    added = run.invoke(
        cli, ["users", "add", "thu.thon", "--grant", "village_collector=village:04570-01"]
    )
    assert added.exit_code == 0, added.output
    assert "one-time password" in added.output
    bad = run.invoke(cli, ["users", "add", "x2", "--grant", "sponsor=commune:04570"])
    assert bad.exit_code == 2
    assert "org" in bad.output
    granted = run.invoke(
        cli, ["users", "grant", "thu.thon", "--grant", "commune_officer=commune:04570"]
    )
    assert granted.exit_code == 0, granted.output
    assert run.invoke(cli, ["users", "reset-password", "thu.thon"]).exit_code == 0
    assert run.invoke(cli, ["users", "disable", "thu.thon"]).exit_code == 0
    listed = run.invoke(cli, ["users", "list"]).output
    assert "thu.thon" in listed
    assert "disabled" in listed
    assert "commune_officer@commune:04570" in listed

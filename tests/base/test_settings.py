"""``load_settings`` reads every row of the settings table by its type."""

from __future__ import annotations

from pathlib import Path

import pytest

from base.errors import InvalidInput
from base.settings import SETTINGS, load_settings


@pytest.fixture
def clean_env(monkeypatch):
    for s in SETTINGS:
        monkeypatch.delenv(s.env, raising=False)
    return monkeypatch


def test_unset_variables_give_the_table_defaults(clean_env):
    settings = load_settings()
    for s in SETTINGS:
        assert getattr(settings, s.name) == s.default, s.env


def test_empty_variables_give_the_table_defaults(clean_env):
    for s in SETTINGS:
        clean_env.setenv(s.env, "  ")
    settings = load_settings()
    for s in SETTINGS:
        assert getattr(settings, s.name) == s.default, s.env


def test_values_are_read_by_type(clean_env, tmp_path):
    clean_env.setenv("ATLAS_TILES", " none ")
    clean_env.setenv("ATLAS_MAX_UPLOAD_MB", "2")
    clean_env.setenv("ATLAS_MAX_OSM_OBJECTS", "1_000")
    clean_env.setenv("ATLAS_UPLOAD_DIR", str(tmp_path / "up"))
    clean_env.setenv("ATLAS_SMTP_HOST", " mail.example ")
    clean_env.setenv("ATLAS_SMTP_PASSWORD", " pass word ")
    clean_env.setenv("ATLAS_SMTP_STARTTLS", "Yes")
    settings = load_settings()
    assert settings.tiles == "none" and settings.tile_url is None
    assert settings.max_upload_mb == 2 and settings.max_osm_objects == 1000
    assert settings.upload_dir == tmp_path / "up" and isinstance(settings.upload_dir, Path)
    assert settings.smtp_host == "mail.example"
    assert settings.smtp_password == " pass word "  # a password is taken as it is
    assert "pass word" not in repr(settings)
    assert settings.smtp_starttls is True


def test_starttls_moves_the_default_port_but_not_a_set_one(clean_env):
    assert load_settings().smtp_port == 25
    clean_env.setenv("ATLAS_SMTP_STARTTLS", "1")
    assert load_settings().smtp_port == 587
    clean_env.setenv("ATLAS_SMTP_PORT", "2525")
    assert load_settings().smtp_port == 2525
    clean_env.setenv("ATLAS_SMTP_STARTTLS", "no")
    assert load_settings().smtp_starttls is False


@pytest.mark.parametrize("env", [s.env for s in SETTINGS if s.type == "int"])
@pytest.mark.parametrize("bad", ["0", "-5", "eine Stunde", "1.5"])
def test_a_malformed_number_is_an_error_naming_the_variable(clean_env, env, bad):
    clean_env.setenv(env, bad)
    with pytest.raises(InvalidInput, match=f"The setting {env}='{bad}' must be a whole number greater than 0"):
        load_settings()

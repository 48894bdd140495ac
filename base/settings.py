"""Settings, read from environment variables (no ``.env`` file: set them in the shell or service).

Every setting is one row of ``SETTINGS``: its ``Settings`` attribute, environment variable, type,
default and meaning. ``load_settings`` reads the table; the README's settings table is rendered
from it (``tests/base/test_settings_docs.py``), so code and docs cannot drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from base.i18n import N_

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'begegnungsatlas.db'}"

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

SettingType = Literal["int", "str", "bool", "path", "secret"]


@dataclass(frozen=True)
class Setting:
    """One setting. ``int``: a whole number > 0; ``str``: text, spaces around it dropped;
    ``bool``: ``1``/``true``/``yes``/``on`` is on, anything else off; ``path``: a file or folder;
    ``secret``: text taken as it is and never shown. Unset or empty means ``default``."""

    name: str
    env: str
    type: SettingType
    default: int | str | bool | Path | None
    meaning_en: str
    default_doc: str = ""  # how the README shows the default, when the value alone would not say it


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "DATABASE_URL", "str", DEFAULT_DATABASE_URL,
            "e.g. `postgresql+psycopg://atlas@db.example/atlas` for a shared deployment"),
    Setting("tiles", "ATLAS_TILES", "str", "osm",
            "map background: `osm` (OpenStreetMap tiles), `none`, or a tile URL template"),
    Setting("max_upload_mb", "ATLAS_MAX_UPLOAD_MB", "int", 200,
            "largest extract the app accepts for upload (enforced by the server; "
            "only signed-in managers and admins may upload at all)"),
    Setting("upload_dir", "ATLAS_UPLOAD_DIR", "path", DATA_DIR / "uploads",
            "uploaded extracts while they are imported; leftovers of a crash are removed at every start"),
    Setting("max_osm_objects", "ATLAS_MAX_OSM_OBJECTS", "int", 10_000_000,
            "most OSM objects (nodes + ways + relations) one file import reads"),
    Setting("max_decompressed_mb", "ATLAS_MAX_DECOMPRESSED_MB", "int", 4096,
            "largest XML an `.osm`/`.osm.gz`/`.osm.bz2` may hold once decompressed"),
    Setting("max_import_seconds", "ATLAS_MAX_IMPORT_SECONDS", "int", 900,
            "longest time reading one OSM file may take"),
    Setting("max_import_memory_mb", "ATLAS_MAX_IMPORT_MEMORY_MB", "int", 3072,
            "most memory reading one OSM file may add to the process (Linux)"),
    Setting("overpass_url", "ATLAS_OVERPASS_URL", "str", "https://overpass-api.de/api",
            "Overpass API endpoint for live imports"),
    Setting("nominatim_url", "ATLAS_NOMINATIM_URL", "str", "https://nominatim.openstreetmap.org/",
            "Nominatim endpoint to find a place by name for live imports"),
    Setting("http_timeout", "ATLAS_HTTP_TIMEOUT", "int", 180,
            "seconds to wait for an answer from Overpass or Nominatim"),
    Setting("cache_dir", "ATLAS_CACHE_DIR", "path", DATA_DIR / "cache",
            "cache of live Overpass/Nominatim answers"),
    Setting("session_idle_minutes", "ATLAS_SESSION_IDLE_MINUTES", "int", 60,
            "a staff password sign-in ends after this many minutes without use"),
    Setting("session_max_hours", "ATLAS_SESSION_MAX_HOURS", "int", 12,
            "… and at the latest this many hours after signing in"),
    Setting("smtp_host", "ATLAS_SMTP_HOST", "str", "",
            "mail server for replies to residents; unset: the suggest page asks for no e-mail address"),
    Setting("smtp_port", "ATLAS_SMTP_PORT", "int", 25,
            "port of the mail server", default_doc="`25` (`587` with STARTTLS)"),
    Setting("smtp_from", "ATLAS_SMTP_FROM", "str", "",
            "sender address of the replies (needed together with the host)"),
    Setting("smtp_user", "ATLAS_SMTP_USER", "str", "",
            "login at the mail server, if needed; sent only over STARTTLS (or to a server on this machine)"),
    Setting("smtp_password", "ATLAS_SMTP_PASSWORD", "secret", "",
            "password of that login"),
    Setting("smtp_starttls", "ATLAS_SMTP_STARTTLS", "bool", False,
            "`1`: encrypt the connection with STARTTLS"),
    Setting("contact_days", "ATLAS_CONTACT_DAYS", "int", 90,
            "reply addresses of suggestions still undecided after this many days are deleted"),
    Setting("suggestions_per_area_hour", "ATLAS_SUGGESTIONS_PER_AREA_HOUR", "int", 100,
            "residents' suggestions one area accepts per hour from all browsers together"),
    Setting("presumptions_file", "ATLAS_PRESUMPTIONS", "path", None,
            "TOML file that changes or extends the table of presumed facts (see `docs/vocabulary.md`)",
            default_doc="unset: the built-in table"),
    Setting("floor_area_per_resident", "ATLAS_FLOOR_AREA_PER_RESIDENT", "int", 47,
            "m² of residential floor (footprint × levels) per resident for the estimate from OSM buildings; "
            "Destatis: 47.4 m² living space per person in Germany, 2022. Footprint × levels is gross floor "
            "area, so without a known total (`--residents`) the estimate tends to be high"),
    Setting("share_children", "ATLAS_SHARE_CHILDREN", "int", 73,
            "share of children (6–13 years) among residents, in per mille, for the group `children` "
            "(Destatis population 2022: about 7.3 %)"),
    Setting("share_youth", "ATLAS_SHARE_YOUTH", "int", 37,
            "share of young people (14–17 years) among residents, in per mille, for the group `youth` "
            "(Destatis population 2022: about 3.7 %)"),
    Setting("share_seniors", "ATLAS_SHARE_SENIORS", "int", 220,
            "share of people aged 65 and over among residents, in per mille, for the group `seniors` "
            "(Destatis population 2022: about 22 %)"),
)

STARTTLS_PORT = 587


@dataclass(frozen=True)
class Settings:
    database_url: str
    tiles: str
    max_upload_mb: int
    overpass_url: str
    nominatim_url: str
    http_timeout: int
    cache_dir: Path
    session_idle_minutes: int
    session_max_hours: int
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    contact_days: int = 90

    @property
    def smtp_configured(self) -> bool:
        """Replies to residents can be sent (a mail server and a sender address are set)."""
        return bool(self.smtp_host and self.smtp_from)
    upload_dir: Path = DATA_DIR / "uploads"
    suggestions_per_area_hour: int = 100
    max_osm_objects: int = 10_000_000
    max_decompressed_mb: int = 4096
    max_import_seconds: int = 900
    max_import_memory_mb: int = 3072
    presumptions_file: Path | None = None
    floor_area_per_resident: int = 47
    share_children: int = 73
    share_youth: int = 37
    share_seniors: int = 220

    @property
    def tile_url(self) -> str | None:
        """URL template of the tile server, or ``None`` for no background tiles."""
        if self.tiles == "none":
            return None
        if self.tiles == "osm":
            return OSM_TILES_URL
        return self.tiles


def load_settings() -> Settings:
    """Read every row of ``SETTINGS`` from the environment; a malformed number is an error."""
    values = {s.name: _read(s) for s in SETTINGS}
    if values["smtp_starttls"] and not os.environ.get("ATLAS_SMTP_PORT", "").strip():
        values["smtp_port"] = STARTTLS_PORT  # the submission port, unless a port is set
    return Settings(**values)  # type: ignore[arg-type]


def _read(setting: Setting) -> int | str | bool | Path | None:
    raw = os.environ.get(setting.env, "")
    if setting.type == "int":
        return _positive_int(setting.env, cast(int, setting.default))
    if setting.type == "bool":
        return _flag(setting.env) if raw.strip() else setting.default
    if not raw.strip():
        return setting.default
    if setting.type == "path":
        return Path(raw)
    if setting.type == "secret":
        return raw
    return raw.strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _positive_int(name: str, default: int) -> int:
    """An integer setting > 0; a typo is an error naming the variable, not a silent default."""
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        from base.errors import InvalidInput

        raise InvalidInput(
            N_("The setting {name}={environ!r} must be a whole number greater than 0."), name=name, environ=os.environ[name],
        )
    return value

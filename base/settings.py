"""Settings, read from environment variables (and ``.env``-free: set them in the shell or service).

| variable | type | meaning | default |
|---|---|---|---|
| ``DATABASE_URL`` | SQLAlchemy URL | database; ``postgresql+psycopg://user@host/db`` for shared use | ``sqlite:///<repo>/data/begegnungsatlas.db`` |
| ``ATLAS_TILES`` | ``osm`` / ``none`` / URL template | map background; ``none`` draws no tiles (fully offline) | ``osm`` |
| ``ATLAS_MAX_UPLOAD_MB`` | int | largest extract file the app accepts for upload | ``200`` |
| ``ATLAS_OVERPASS_URL`` | URL | Overpass API endpoint for live imports | ``https://overpass-api.de/api`` |
| ``ATLAS_NOMINATIM_URL`` | URL | Nominatim endpoint to find a place by name | ``https://nominatim.openstreetmap.org/`` |
| ``ATLAS_HTTP_TIMEOUT`` | seconds | timeout for Overpass/Nominatim requests | ``180`` |
| ``ATLAS_CACHE_DIR`` | path | cache of live Overpass/Nominatim answers | ``<repo>/data/cache`` |
| ``ATLAS_SESSION_IDLE_MINUTES`` | minutes | a staff sign-in (password login) ends after this long without use | ``60`` |
| ``ATLAS_SESSION_MAX_HOURS`` | hours | a staff sign-in ends this long after signing in, however active | ``12`` |
| ``ATLAS_SMTP_HOST`` | host name | mail server for replies to residents; unset: no reply address is asked for | unset |
| ``ATLAS_SMTP_PORT`` | int | its port | ``25`` (``587`` with STARTTLS) |
| ``ATLAS_SMTP_FROM`` | e-mail address | sender of the replies (needed with the host) | unset |
| ``ATLAS_SMTP_USER``, ``ATLAS_SMTP_PASSWORD`` | text | login at the mail server, if it needs one (sent only over STARTTLS) | unset |
| ``ATLAS_SMTP_STARTTLS`` | ``1`` / ``0`` | encrypt the connection with STARTTLS | ``0`` |
| ``ATLAS_CONTACT_DAYS`` | int | reply addresses of undecided suggestions are deleted after this many days | ``90`` |
| ``ATLAS_UPLOAD_DIR`` | path | uploaded extracts while they are imported (leftovers removed at start) | ``<repo>/data/uploads`` |
| ``ATLAS_SUGGESTIONS_PER_AREA_HOUR`` | int | residents' suggestions one area takes per hour from all browsers together | ``100`` |
| ``ATLAS_MAX_OSM_OBJECTS`` | int | most OSM objects (nodes + ways + relations) one file import reads | ``10000000`` |
| ``ATLAS_MAX_DECOMPRESSED_MB`` | int | largest XML an ``.osm``/``.osm.gz``/``.osm.bz2`` file may hold (after decompression) | ``4096`` |
| ``ATLAS_MAX_IMPORT_SECONDS`` | seconds | longest time reading one OSM file may take | ``900`` |
| ``ATLAS_MAX_IMPORT_MEMORY_MB`` | int | most memory reading one OSM file may add to the process (Linux) | ``3072`` |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from base.i18n import N_

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'begegnungsatlas.db'}"

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


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

    @property
    def tile_url(self) -> str | None:
        """URL template of the tile server, or ``None`` for no background tiles."""
        if self.tiles == "none":
            return None
        if self.tiles == "osm":
            return OSM_TILES_URL
        return self.tiles


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def load_settings() -> Settings:
    starttls = _flag("ATLAS_SMTP_STARTTLS")
    return Settings(
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        tiles=os.environ.get("ATLAS_TILES", "osm").strip() or "osm",
        max_upload_mb=int(os.environ.get("ATLAS_MAX_UPLOAD_MB", "200")),
        overpass_url=os.environ.get("ATLAS_OVERPASS_URL", "https://overpass-api.de/api"),
        nominatim_url=os.environ.get("ATLAS_NOMINATIM_URL", "https://nominatim.openstreetmap.org/"),
        http_timeout=int(os.environ.get("ATLAS_HTTP_TIMEOUT", "180")),
        cache_dir=Path(os.environ.get("ATLAS_CACHE_DIR", str(DATA_DIR / "cache"))),
        session_idle_minutes=_positive_int("ATLAS_SESSION_IDLE_MINUTES", 60),
        session_max_hours=_positive_int("ATLAS_SESSION_MAX_HOURS", 12),
        smtp_host=os.environ.get("ATLAS_SMTP_HOST", "").strip(),
        smtp_port=int(os.environ.get("ATLAS_SMTP_PORT", "587" if starttls else "25")),
        smtp_from=os.environ.get("ATLAS_SMTP_FROM", "").strip(),
        smtp_user=os.environ.get("ATLAS_SMTP_USER", ""),
        smtp_password=os.environ.get("ATLAS_SMTP_PASSWORD", ""),
        smtp_starttls=starttls,
        contact_days=int(os.environ.get("ATLAS_CONTACT_DAYS", "90")),
        upload_dir=Path(os.environ.get("ATLAS_UPLOAD_DIR", str(DATA_DIR / "uploads"))),
        suggestions_per_area_hour=int(os.environ.get("ATLAS_SUGGESTIONS_PER_AREA_HOUR", "100")),
        max_osm_objects=_positive_int("ATLAS_MAX_OSM_OBJECTS", 10_000_000),
        max_decompressed_mb=_positive_int("ATLAS_MAX_DECOMPRESSED_MB", 4096),
        max_import_seconds=_positive_int("ATLAS_MAX_IMPORT_SECONDS", 900),
        max_import_memory_mb=_positive_int("ATLAS_MAX_IMPORT_MEMORY_MB", 3072),
    )


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

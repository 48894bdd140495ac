"""The Berlin extract imported once for the gap tests that need a real area."""

from __future__ import annotations

import pytest

from accounts.auth import CONSOLE
from catalogue.importer import import_file
from storage.db import open_database


@pytest.fixture(scope="package")
def berlin_db(tmp_path_factory, shared_data):
    from tests.conftest import EXTRACTS

    url = f"sqlite:///{tmp_path_factory.mktemp('gaps') / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, path=EXTRACTS["berlin"], area_name="Borsigwalde", actor=CONSOLE)
    yield url, engine
    engine.dispose()

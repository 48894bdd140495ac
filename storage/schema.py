"""Every table of the database: importing this module registers all model modules on ``Base``.

Alembic, the table dump and the model/migration comparison read ``Base.metadata`` from here,
so a new model module only needs one import line below (and its own Alembic revision).
"""

from __future__ import annotations

import storage.models  # noqa: F401  (areas, places, networks, imports, audits)
import storage.models_community  # noqa: F401  (users, login attempts, suggestions, audit tasks)
import storage.models_gaps  # noqa: F401  (base maps, school indicators)
import storage.models_sessions  # noqa: F401  (signed-in staff sessions)
from storage.models import Base

__all__ = ["Base"]

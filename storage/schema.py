"""Every table of the database: importing this module registers all model modules on ``Base``.

Alembic, the table dump and the model/migration comparison read ``Base.metadata`` from here,
so a new model module only needs one import line below (and its own Alembic revision).
"""

from __future__ import annotations

import storage.models  # noqa: F401  (the declarative base, throttle locks)
import storage.models_accounts  # noqa: F401  (users, login attempts, staff sessions)
import storage.models_audits  # noqa: F401  (audits, facts, reviews, audit tasks)
import storage.models_catalogue  # noqa: F401  (areas, places, aliases, networks, imports, base maps)
import storage.models_gaps  # noqa: F401  (school indicators, populations)
import storage.models_suggestions  # noqa: F401  (suggestions, reply addresses)
from storage.models import Base

__all__ = ["Base"]

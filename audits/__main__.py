"""``python -m audits …``: see :mod:`audits.cli`."""

import sys

from audits.cli import main

sys.exit(main())

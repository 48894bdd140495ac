"""``python -m catalogue …``: see :mod:`catalogue.cli`."""

import sys

from catalogue.cli import main

sys.exit(main())

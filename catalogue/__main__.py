"""``python -m catalogue …``: see :mod:`cli.catalogue`."""

import sys

from cli.catalogue import main

sys.exit(main())

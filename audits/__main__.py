"""``python -m audits …``: see :mod:`cli.audits`."""

import sys

from cli.audits import main

sys.exit(main())

"""``python -m desktop``: the same as the ``dictara`` command."""

import sys

from desktop.cli import main

sys.exit(main())

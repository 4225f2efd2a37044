"""``python -m geo`` runs the ``frontline`` command line."""

from __future__ import annotations

import sys

from geo.cli import main

sys.exit(main())

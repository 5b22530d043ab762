"""`python -m kiosk` is `hailong-kiosk`."""

import sys

from kiosk.cli import main

sys.exit(main())

"""`python -m sync_server ...` is `hailong-server ...`."""

import sys

from sync_server.cli import main

sys.exit(main())

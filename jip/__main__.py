"""`python -m jip`: the `jip` command, as the embedded stack's checkpointer and bench/cli.py run it."""

import sys

from jip.cli import main

sys.exit(main())

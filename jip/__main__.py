import sys

from jip.cli import main

sys.exit(main())

"""`python -m nnderive` runs the nnderive command."""

import sys

from .cli import main

sys.exit(main())

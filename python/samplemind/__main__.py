"""`python -m samplemind` runs the command line (see samplemind._cli)."""

import sys

from samplemind._cli import main

if __name__ == "__main__":
    sys.exit(main())

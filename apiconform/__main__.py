"""`python -m apiconform`: the same command line as the `apiconform` console script."""

import sys

from apiconform.cli import main

if __name__ == "__main__":  # importing the module (pydoc, a test) must not run the command line
    sys.exit(main())

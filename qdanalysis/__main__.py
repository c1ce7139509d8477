"""``python -m qdanalysis``: the command line (:mod:`qdanalysis.run.cli`), for where the ``qdanalysis`` script is not on the PATH."""

import sys

from qdanalysis.run.cli import main

if __name__ == "__main__":
    sys.exit(main())

import sys

from qbnnc.cli import main

sys.exit(main())

import sys

from zerolab_cluster.cli import main

sys.exit(main())

"""`python -m strataqc.cli`: the same as `qc-report`."""

from strataqc.cli import main

main()

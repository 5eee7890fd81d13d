"""`python -m strataqc.cli`: the same as `qc-report`."""

from strataqc.launch import main

main()

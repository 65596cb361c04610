"""Run the command line as `python -m alliancedeck`."""

from alliancedeck.cli import main

main()

"""Run the command line as `python -m alliancedeck`."""

from alliancedeck.launch import entry

entry()

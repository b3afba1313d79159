"""``python -m docgen`` = the ``docgen`` command."""

from docgen.cli import entry

entry()

"""One module per ``docgen`` subcommand.

Each module exposes ``add_parser(subparsers) -> None`` (registering its
sub-parser with ``set_defaults(run=run)``-style dispatch done by cli.py) and
``run(args) -> int`` (the exit code).  ``COMMANDS`` is the order shown in
``docgen --help``.
"""

COMMANDS = ("build", "pdf", "check", "fonts", "templates", "new", "next_year")

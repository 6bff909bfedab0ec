"""What the command line says: results on standard output, messages on standard error, and
its exit statuses."""

from __future__ import annotations

import sys

from qbnnc.diagnostics import printable_lines
from qbnnc.files.output import write_stdout

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_PENDING = 75  # sysexits' EX_TEMPFAIL: a submitted job has not finished; ask again later


def print_error(text: str) -> None:
    """A message on standard error, any character a terminal would act on escaped (a name
    from the command line or a file may hold one); a closed or failing stderr cannot make
    things worse."""
    if sys.stderr is None:
        return
    try:
        print(printable_lines(text), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def print_out(text: str) -> None:
    """A result on standard output, escaped as `print_error` escapes."""
    write_stdout(printable_lines(text) + "\n")


def print_json(data: object) -> None:
    import json

    print_out(json.dumps(data, sort_keys=True, indent=2))

"""The ``gradviz`` command: one entry point, each subcommand in its own module, imported lazily.

``gradviz [FILE]`` opens the app; ``run``, ``trace``, ``layout`` and ``export`` work with no
display; ``screenshot`` renders the window offscreen. Every command that takes a script runs the
seed notebook when no FILE is given.
Nothing here imports Qt at module level: only the app and screenshot commands load it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

USAGE = """usage: gradviz [FILE]                        open the app
       gradviz run [FILE]                    run a script or notebook, print what PyTorch would
       gradviz trace [FILE] [--json]         run it and print every backward step
       gradviz layout IN.json -o OUT.json    lay out a node-link graph
       gradviz export [FILE] -o OUT.EXT      export the graph or the backward animation
       gradviz screenshot [FILE] -o OUT.png  render the window offscreen

FILE is a .py script (with or without '# %%' cells) or a .ipynb notebook; without it, the seed
notebook that gradviz ships.

Run `gradviz COMMAND --help` for the options of a command."""


def _command(name: str) -> Callable[[list[str]], int] | None:
    if name == "run":
        from gradviz.cli.run import run_main

        return run_main
    if name == "trace":
        from gradviz.cli.run import trace_main

        return trace_main
    if name == "layout":
        from gradviz.cli.layout import main as layout_main

        return layout_main
    if name == "export":
        try:
            from gradviz.cli.export import export_main
        except ImportError:
            return None
        return export_main
    if name == "screenshot":
        from gradviz.cli.app import screenshot_main

        return screenshot_main
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if args and args[0] in ("--version", "-V"):
        from gradviz import __version__

        print(f"gradviz {__version__}")
        return 0
    if args and not args[0].startswith("-"):
        command = _command(args[0])
        if command is not None:
            try:
                return int(command(args[1:]) or 0)
            except BrokenPipeError:
                return _reader_went_away()
    from gradviz.cli.app import app_main

    return int(app_main(args) or 0)


def _reader_went_away() -> int:
    """``gradviz trace | head``: the reader closed the pipe, which is no error of the script's.
    Stop quietly, as a command killed by SIGPIPE does (exit status 128 + 13), and point stdout at
    /dev/null so the interpreter's final flush cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (a test's capture): nothing will flush into the pipe
    finally:
        os.close(devnull)
    return 128 + 13


if __name__ == "__main__":
    sys.exit(main())

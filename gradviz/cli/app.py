"""Entry points for the desktop app: ``gradviz [FILE]`` and ``gradviz screenshot [FILE] -o OUT.png``.

Without FILE both open the seed notebook (as an untitled copy of the shipped example).

This module lives in the headless package, so Qt and ``ui`` are imported only inside the functions:
``import gradviz.cli.app`` must not pull PySide6 in. Run it directly with
``python -m gradviz.cli.app [FILE]`` or ``python -m gradviz.cli.app screenshot ...``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gradviz.language import ENGLISH, LANGUAGES
from gradviz.resources import seed_notebook


def _ensure_display() -> None:
    """Render offscreen when there is no display server (CI, ssh), instead of aborting."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _no_display() -> bool:
    """True on Linux with no display server and no Qt platform chosen explicitly."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )


def _repo_on_path() -> None:
    """``ui`` sits beside ``gradviz`` in a checkout; make it importable when run from elsewhere."""
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)


def app_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradviz", description="Open the gradviz desktop app.")
    parser.add_argument("file", nargs="?", help="a .py (percent cells) or .ipynb file; default: the seed notebook")
    args = parser.parse_args(argv)
    if _no_display():
        # Qt would abort here ("could not connect to display"); say what to do instead.
        print(
            "gradviz: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "  Run it from a desktop session, or `./dev app` (which starts a virtual X server),\n"
            "  or render a picture with `gradviz screenshot FILE -o OUT.png`.",
            file=sys.stderr,
        )
        return 2
    _repo_on_path()
    from gradviz.frontend import frontend

    run_app = frontend("app").run_app

    return run_app(args.file)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1440x900, not {text!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 200 and 8000 pixels")
    return width, height


def screenshot_main(argv: list[str] | None = None) -> int:
    from gradviz.cli.run import call_request

    parser = argparse.ArgumentParser(
        prog="gradviz screenshot",
        description="Run FILE's cells in the gradviz window offscreen and save the window as a PNG.",
    )
    parser.add_argument("file", nargs="?", help="a .py (percent cells) or .ipynb file; default: the seed notebook")
    parser.add_argument("-o", "--output", required=True, help="the PNG to write")
    parser.add_argument("--size", type=_parse_size, default=(1440, 900), help="WIDTHxHEIGHT (default 1440x900)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--lang", choices=[language.text for language in LANGUAGES], default=ENGLISH.text)
    parser.add_argument("--select", help="id of the node to show in the inspector (e.g. t3)")
    parser.add_argument(
        "--call",
        type=int,
        metavar="K",
        help="show backward call K in the player (#K, counted from 1 as in the player and in "
        "gradviz trace/export; -1 is the last call)",
    )
    parser.add_argument("--step", type=int, metavar="N", help="show step N of that call (0-based; -1 is the last step)")
    parser.add_argument(
        "--record-call",
        action="append",
        default=[],
        type=call_request,
        metavar="N|CELL:N",
        help="keep backward call N of the script (or call N of cell CELL) in full, so that a long loop's "
        "iteration kept as a summary can be shown; one N (not CELL:N) is also the default --call; repeatable",
    )
    args = parser.parse_args(argv)
    if args.call is None:
        run_wide = {number for cell, number in args.record_call if cell is None}
        args.call = run_wide.pop() if len(run_wide) == 1 and len(args.record_call) == 1 else None
    if args.file is None:
        # The window opens the seed itself, as the app does; name it like run/trace/export do.
        print(f"{parser.prog}: no FILE given, running the seed notebook {seed_notebook()}", file=sys.stderr)
    _ensure_display()
    _repo_on_path()
    from gradviz.frontend import frontend

    shot = frontend("screenshot")
    try:
        ok, message = shot.render_screenshot(
            args.file,
            args.output,
            args.size,
            args.theme,
            args.lang,
            args.select,
            call=args.call,
            step=args.step,
            record_calls=tuple(args.record_call),
        )
    except shot.PlayerArgumentError as exc:
        print(f"gradviz screenshot: error: {exc}", file=sys.stderr)
        return 2
    print(f"gradviz screenshot: {message}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "screenshot":
        return screenshot_main(argv[1:])
    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())

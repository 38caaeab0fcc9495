"""What a cell's output may contain: every text within the output cap, printable anywhere, inert
on a terminal, and the same echo rule in both runners (the recorder's and the app's)."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from gradviz.cli.run import inert_text, run_main
from gradviz.runner.capture import WarningCollector, cut_text
from gradviz.runner.cells import split_percent_cells
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from gradviz.runner.trusted_run import run_cells_trusted

REPO = Path(__file__).resolve().parent.parent


# --- echo: one rule for a trailing ';' --------------------------------------------------------

ECHO_CASES = [
    ('"héllo";', None),
    ('"héllo"', "'héllo'"),
    ('"日本語"', "'日本語'"),
    ('"日本語" ;  # 注释', None),
    ('x = "héllo"; x', "'héllo'"),
    ('"ééé" #;;', "'ééé'"),  # a ';' in a comment, at the character index of the byte offset
    ('("é",\n "日本");', None),
    ('("é",\n "日本")', "('é', '日本')"),
]


@pytest.mark.parametrize(("source", "echo"), ECHO_CASES)
def test_both_runners_echo_alike_for_non_ascii_text(source: str, echo: str | None) -> None:
    cells = split_percent_cells(f"# %% 注释 cell\n{source}\n")
    (plain,) = run_cells_trusted(cells, {})
    (session,) = Session(snapshots=False).run_cells(cells)
    assert (plain["exception"], session.error) == (None, None)
    assert plain["echo"] == session.echo == echo


# --- caps ----------------------------------------------------------------------------------------


def test_cut_text_says_how_much_is_left_out() -> None:
    assert cut_text("abc", 3) == "abc"
    assert cut_text("abcdef", 2) == "ab... (4 more characters)"
    assert cut_text("x" * 1_234_567, 0) == "... (1,234,567 more characters)"


def test_a_huge_echo_is_cut_at_the_output_cap() -> None:
    limits = Limits()
    (result,) = Session(limits, snapshots=False).run_cells(split_percent_cells("'ab' * 1_000_000\n"))
    assert result.error is None
    cap = limits.max_output_chars
    assert result.echo == ("'" + "ab" * 1_000_000)[:cap] + f"... ({2_000_002 - cap:,} more characters)"


def test_exception_messages_are_cut_at_the_output_cap() -> None:
    session = Session(Limits(max_output_chars=100), snapshots=False)
    result = session.run_cell(0, "raise ValueError('v' * 5000)")
    assert result.error is not None and result.error.type == "ValueError"
    assert result.error.message == "v" * 100 + "... (4,900 more characters)"
    assert result.error.headline == "ValueError: " + "v" * 100 + "... (4,900 more characters)"


def test_engine_warnings_are_cut_at_the_output_cap() -> None:
    # A non-leaf tensor's .grad warns once per line; forty lines make forty warnings.
    source = "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n" + "y.grad\n" * 40
    (full,) = Session(snapshots=False).run_cells(split_percent_cells(source))
    assert len(full.warnings) == 40 and len(set(full.warnings)) == 1
    line = full.warnings[0]
    cap = 3 * len(line) + 10
    (capped,) = Session(Limits(max_output_chars=cap), snapshots=False).run_cells(split_percent_cells(source))
    more = 40 * len(line) - cap
    assert capped.warnings == [line, line, line, line[:10] + f"... ({more:,} more characters)"]


def test_warning_collector_caps_all_lines_together() -> None:
    collector = WarningCollector(max_chars=25)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = collector
        for n in range(5):
            warnings.warn(f"message {n}", UserWarning, stacklevel=1)
            warnings.warn("same line, same text", UserWarning, stacklevel=1)  # once, then deduplicated
    # "UserWarning: message 0" is 22 characters; the next line is cut after 3.
    rest = len("UserWarning: same line, same text") - 3 + sum(len(f"UserWarning: message {n}") for n in range(1, 5))
    assert collector.lines == ["UserWarning: message 0", f"Use... ({rest:,} more characters)"]


def test_the_recorders_runner_has_no_cap() -> None:
    (out,) = run_cells_trusted(split_percent_cells("'ab' * 600_000\n"), {})
    assert len(out["echo"]) == 1_200_002


# --- characters that cannot be printed as they are ---------------------------------------------


def test_lone_surrogates_come_out_escaped() -> None:
    session = Session(snapshots=False)
    printed = session.run_cell(0, "print('a\\ud800b', b'\\xff'.decode('utf-8', 'surrogateescape'))")
    assert printed.stdout == "a\\ud800b \\udcff\n"
    raised = session.run_cell(1, "raise ValueError('bad \\udcff byte')")
    assert raised.error is not None and raised.error.message == "bad \\udcff byte"
    for result in (printed, raised):
        assert pickle.loads(pickle.dumps(result)) == result
        for text in (result.stdout, *result.warnings, result.error.headline if result.error else ""):
            text.encode("utf-8")  # raises UnicodeEncodeError on a lone surrogate


def test_terminal_escapes_are_inert_on_a_terminal_only(tmp_path: Path) -> None:
    script = tmp_path / "colour.py"
    script.write_text("print('\\x1b[31mred\\x1b]0;title\\x07\\ttab\\r', '\\x9b2J')\n'\\x1b'\n", encoding="utf-8")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = Terminal(), Terminal()
    assert run_main([str(script), "--in-process"], out=out, err=err) == 0
    # Python's repr already escapes control characters, so the echo reads the same either way.
    assert out.getvalue() == "\\x1b[31mred\\x1b]0;title\\x07\ttab\r \\x9b2J\n'\\x1b'\n"
    piped = io.StringIO()
    assert run_main([str(script), "--in-process"], out=piped, err=io.StringIO()) == 0
    assert piped.getvalue() == "\x1b[31mred\x1b]0;title\x07\ttab\r \x9b2J\n'\\x1b'\n"  # as Python prints it
    assert inert_text("plain text, ünïcödé, 日本\n") == "plain text, ünïcödé, 日本\n"


def test_gradviz_run_pipes_ordinary_text_as_python_and_never_fails_to_encode(tmp_path: Path) -> None:
    script = tmp_path / "text.py"
    script.write_text(
        "# %%\nprint('héllo 日本 \\x1b[1mbold')\n'ü'\n# %%\nprint('lone \\ud800 surrogate')\n", encoding="utf-8"
    )
    python = subprocess.run(
        [sys.executable, "-c", "print('héllo 日本 \\x1b[1mbold'); print(repr('ü'))"],
        capture_output=True,
        env={"PYTHONIOENCODING": "utf-8", "PATH": ""},
        timeout=60,
    )
    for encoding, expected_tail in (("utf-8", b"lone \\ud800 surrogate\n"), ("ascii", b"lone \\ud800 surrogate\n")):
        done = subprocess.run(
            [sys.executable, "-m", "gradviz.cli.main", "run", str(script)],
            capture_output=True,
            cwd=tmp_path,
            env={"PYTHONPATH": str(REPO), "PYTHONIOENCODING": encoding, "PATH": ""},
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in done.stderr
        if encoding == "utf-8":
            assert done.stdout == python.stdout + expected_tail
        else:
            assert done.stdout == b"h\\xe9llo \\u65e5\\u672c \x1b[1mbold\n'\\xfc'\n" + expected_tail

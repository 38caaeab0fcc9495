"""Opening, saving, autosaving and recovering documents; the examples shipped in gradviz.resources.

The editor always holds percent-format text. A ``.py`` file is that text verbatim (comments and
blank lines kept); a ``.ipynb`` is converted through gradviz.runner.cells in both directions.

Autosave writes the dirty document every few seconds to ``<AppData>/autosave/session-<pid>.json``
and deletes it on a clean save or close, so a file left behind by a process that no longer runs
is a crash's leftover and is offered for restore at the next start.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, QTimer, Signal

from gradviz import resources

translate = QCoreApplication.translate

SUPPORTED_SUFFIXES = resources.EXAMPLE_SUFFIXES


class DocumentError(Exception):
    """A file could not be opened or saved; the message is meant for the user."""


def read_document(path: str | Path) -> str:
    """The editor text for ``path`` (percent format)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            translate("Files", "{name}: gradviz opens Python scripts (.py) and notebooks (.ipynb).").format(
                name=file.name
            )
        )
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise DocumentError(translate("Files", "{path}: no such file.").format(path=str(file))) from None
    except OSError as exc:
        raise DocumentError(f"{file}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(translate("Files", "{name} is not UTF-8 text.").format(name=file.name)) from None
    if suffix == ".ipynb":
        from gradviz.runner import cells

        try:
            return cells.write_percent(cells.read_ipynb(text))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DocumentError(
                translate("Files", "{name} is not a readable Jupyter notebook: {error}").format(
                    name=file.name, error=str(exc)
                )
            ) from None
    return text.replace("\r\n", "\n")


def write_document(path: str | Path, text: str) -> None:
    """Save atomically (write a sibling temp file, then rename) so a crash never truncates a file."""
    file = Path(path)
    if file.suffix.lower() == ".ipynb":
        from gradviz.runner import cells

        # What the editor does not hold (outputs, execution counts, tags, ids) is kept from the
        # notebook being overwritten.
        try:
            previous: str | None = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            previous = None
        payload = cells.write_ipynb(cells.split_percent_cells(text), previous)
    else:
        payload = text if text.endswith("\n") or not text else text + "\n"
    tmp = file.with_name(f".{file.name}.gradviz-tmp")
    try:
        tmp.write_text(payload, encoding="utf-8")
        os.replace(tmp, file)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DocumentError(f"{file}: {exc.strerror or exc}") from None


def example_files() -> list[Path]:
    """The seed notebook first, then the other examples by name."""
    return resources.example_files()


def seed_path() -> Path:
    return resources.seed_notebook()


def is_example(path: str | Path | None) -> bool:
    """Examples open as untitled copies: saving must not overwrite the shipped file."""
    if not path:
        return False
    try:
        return Path(path).resolve() in {example.resolve() for example in resources.example_files()}
    except OSError:
        return False


@dataclass(frozen=True)
class Recovery:
    file: Path
    original_path: str | None
    text: str
    saved_at: float


def autosave_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gradviz") / "autosave"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def find_recoveries() -> list[Recovery]:
    """Autosaves left by gradviz processes that are no longer running, newest first."""
    folder = autosave_dir()
    if not folder.is_dir():
        return []
    found = []
    for file in folder.glob("session-*.json"):
        try:
            pid = int(file.stem.split("-", 1)[1])
        except (IndexError, ValueError):
            continue
        if _pid_alive(pid):
            continue
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            found.append(Recovery(file, data.get("path"), str(data["text"]), float(data.get("saved_at", 0))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    """Writes the document every ``interval_ms`` while it is dirty."""

    saved = Signal(str)  # autosave file path

    def __init__(
        self,
        get_state: Callable[[], tuple[bool, str | None, str]],
        interval_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        """``get_state()`` returns (dirty, original path or None, text)."""
        super().__init__(parent)
        self._get_state = get_state
        self._last_text: str | None = None
        self.file = autosave_dir() / f"session-{os.getpid()}.json"
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.save_now)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def save_now(self) -> bool:
        dirty, path, text = self._get_state()
        if not dirty:
            self.discard()
            return False
        if text == self._last_text and self.file.exists():
            return False
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"path": path, "text": text, "saved_at": time.time()}), encoding="utf-8")
            os.replace(tmp, self.file)
        except OSError:
            return False
        self._last_text = text
        self.saved.emit(str(self.file))
        return True

    def discard(self) -> None:
        self._last_text = None
        self.file.unlink(missing_ok=True)

"""A plain (non-editable) install works from any folder: the wheel ships every file the packages
read at run time, and the installed copy finds them through importlib.resources.

The wheel is built from a copy of the sources with the project's pinned setuptools (no network,
no build isolation) and unpacked with ``pip install --target``. The installed copy then runs in
child processes started in an empty folder with ``-I -S``: no current directory, no PYTHONPATH and
no site-packages .pth files on the path, so the development venv's editable install cannot serve
``gradviz`` or ``ui``; only the venv's site-packages directory is appended, for numpy, networkx and
PySide6.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from gradviz.resources import seed_notebook
from gradviz.runner.capture import normalize_addresses

REPO = Path(__file__).resolve().parent.parent
SEED_NOTEBOOK = seed_notebook()
PACKAGES = ("gradviz", "ui")
# Kept in the repository for translators (pyside6-lupdate/lrelease), never read by the app.
SOURCE_ONLY_SUFFIXES = (".ts",)
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"

pytestmark = pytest.mark.slow


def _shipped_sources() -> list[str]:
    """Every file of the packages (code and data) that an install must contain, as wheel paths."""
    found = []
    for package in PACKAGES:
        for path in (REPO / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in SOURCE_ONLY_SUFFIXES:
                found.append(path.relative_to(REPO).as_posix())
    return sorted(found)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the built wheel, the folder it was installed into with pip --target)."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    dist = root / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist), str(source)],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("gradviz-*.whl")
    target = root / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--no-compile", "-q", "--target", str(target), str(wheel)],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return wheel, target


def _run_installed(target: Path, cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with only the installed copy and the venv's third-party packages importable."""
    third_party = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    bootstrap = f"import sys; sys.path.insert(0, {str(target)!r}); sys.path.extend({third_party!r})\n"
    home = cwd / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    (home / "runtime").mkdir(parents=True, mode=0o700)
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", bootstrap + textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_wheel_ships_every_file_of_the_packages(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    missing = [name for name in _shipped_sources() if name not in names]
    assert not missing, f"not in the wheel (add them to [tool.setuptools.package-data]): {missing}"
    for resource in (
        "gradviz/resources/examples/seed_notebook.py",
        "ui/resources/icons/run.svg",
        "ui/resources/styles/gradviz.qss",
        "ui/resources/translations/gradviz_zh_CN.qm",
    ):
        assert resource in names
    assert "gradviz = gradviz.cli.main:main" in scripts


def test_installed_gradviz_run_uses_the_packaged_seed_from_another_folder(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, target = installed
    result = _run_installed(
        target,
        tmp_path,
        """
        import gradviz, ui
        print(gradviz.__file__, ui.__file__, file=sys.stderr)
        from gradviz.cli.main import main
        sys.exit(main(["run"]))
        """,
    )
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["cells"]
    assert result.returncode == 1, result.stderr  # two seed cells raise, as under PyTorch
    assert normalize_addresses(result.stdout) == "".join(cell["stdout"] for cell in expected)
    imported_from, _, seed_note = result.stderr.partition("\n")
    assert imported_from.split() == [
        str(target / "gradviz" / "__init__.py"),
        str(target / "ui" / "__init__.py"),
    ]
    assert seed_note.startswith("gradviz run: no FILE given, running the seed notebook ")
    assert str(target / "gradviz" / "resources" / "examples" / "seed_notebook.py") in seed_note
    for cell in expected:
        if cell["exception"]:
            assert cell["exception"] in result.stderr


def test_installed_front_end_finds_examples_translations_icons_and_styles(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, target = installed
    result = _run_installed(
        target,
        tmp_path,
        """
        import json
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication

        app = QApplication([])
        from ui import files
        from ui.i18n import language_switcher
        from ui.theme import LIGHT, build_stylesheet
        from ui.window_actions import icon

        seed = files.seed_path()
        report = {
            "examples": [str(path) for path in files.example_files()],
            "seed": str(seed),
            "seed_is_example": files.is_example(seed),
            "seed_text": files.read_document(seed),
            "chinese_loaded": language_switcher().apply("zh_CN"),
            "open_in_chinese": QCoreApplication.translate("MainWindow", "Open"),
            "icons_drawn": {name: not icon(name).pixmap(16, 16).isNull() for name in ("gradviz", "run", "stop")},
            "stylesheet": build_stylesheet(LIGHT),
        }
        print(json.dumps(report))
        """,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    examples_dir = target / "gradviz" / "resources" / "examples"
    shipped = sorted(path.name for path in SEED_NOTEBOOK.parent.iterdir() if path.is_file())
    assert [Path(path).name for path in report["examples"]] == [
        "seed_notebook.py",
        *[name for name in shipped if name != "seed_notebook.py"],
    ]
    assert all(Path(path).parent == examples_dir for path in report["examples"])
    assert report["seed"] == str(examples_dir / "seed_notebook.py") and report["seed_is_example"]
    assert report["seed_text"] == SEED_NOTEBOOK.read_text(encoding="utf-8")
    assert report["chinese_loaded"] is True
    assert report["open_in_chinese"] == "打开"
    assert report["icons_drawn"] == {"gradviz": True, "run": True, "stop": True}
    assert "@" not in report["stylesheet"] and "QToolBar" in report["stylesheet"]

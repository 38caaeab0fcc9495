"""The core stays headless: importing gradviz, running the engine and the CLI modules must never
load PySide6 (the app and screenshot commands load it only inside their functions)."""

import subprocess
import sys
import textwrap

from conftest import REPO

from tests.paths import SEED_NOTEBOOK


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_engine_and_cli_never_import_qt() -> None:
    result = _run("""
        import sys
        import gradviz, gradviz.cli.main, gradviz.cli.run, gradviz.cli.app, gradviz.cli.layout
        import gradviz.torch as t
        import gradviz.graph.snapshot, gradviz.graph.layout.sugiyama, gradviz.runner.session
        x = t.ones(3, 2, requires_grad=True)
        s = ((x ** 2 + 1) * x ** 2).sum()
        s.backward()
        assert x.grad.tolist() == [[6.0, 6.0]] * 3
        loaded = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "ui")))
        print(loaded)
        assert not loaded, loaded
    """)
    assert result.returncode == 0, result.stderr + result.stdout


def test_no_module_under_gradviz_imports_qt_or_ui() -> None:
    offenders = []
    for path in (REPO / "gradviz").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import ui", "from ui")):
                offenders.append(f"{path.relative_to(REPO)}: {stripped}")
    assert not offenders, offenders


def test_gradviz_run_prints_the_seed_like_pytorch() -> None:
    import json

    result = subprocess.run(
        [sys.executable, "-m", "gradviz.cli.main", "run", str(SEED_NOTEBOOK)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expected = json.loads((REPO / "tests/goldens/seed_expected.json").read_text())
    stdout = "".join(cell["stdout"] for cell in expected["cells"])
    from gradviz.runner.capture import normalize_addresses

    assert normalize_addresses(result.stdout) == stdout
    for cell in expected["cells"]:
        if cell["exception"]:
            assert cell["exception"] in result.stderr
    assert result.returncode == 1  # two seed cells raise, as in the notebook


def test_an_op_gradviz_lacks_is_named_in_a_not_implemented_error() -> None:
    import pytest

    import gradviz.torch as t

    x = t.ones(3, requires_grad=True)
    with pytest.raises(NotImplementedError, match=r"Tensor\.logcumsumexp"):
        x.logcumsumexp(0)
    with pytest.raises(NotImplementedError, match=r"torch\.logcumsumexp"):
        t.logcumsumexp  # noqa: B018
    with pytest.raises(AttributeError):
        x.no_such_method_anywhere  # noqa: B018


def test_anomaly_mode_names_the_node_that_made_nan() -> None:
    import pytest

    import gradviz.torch as t

    with t.autograd.set_detect_anomaly(True):
        z = t.tensor([0.0], requires_grad=True)
        y = z / z
        with (
            pytest.raises(RuntimeError, match=r"^Function 'DivBackward0' returned nan values in its 1th output\.$"),
            pytest.warns(UserWarning, match=r"^Error detected in DivBackward0\. Traceback of forward call") as caught,
        ):
            y.sum().backward()
        assert "y = z / z" in str(caught[0].message)  # the forward line that made the node
    z = t.tensor([0.0], requires_grad=True)
    (z / z).sum().backward()  # outside anomaly mode NaN grads pass silently, as in PyTorch
    assert z.grad.tolist()[0] != z.grad.tolist()[0]  # NaN
    assert not hasattr(z, "logcumsumexp")  # unsupported names stay invisible to hasattr


def test_the_app_without_a_display_explains_instead_of_aborting() -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "gradviz.cli.main"], cwd=REPO, capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 2
    assert "no display" in result.stderr and "gradviz screenshot" in result.stderr

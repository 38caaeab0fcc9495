"""The operating system's wall around the worker (gradviz.runner.containment), proved from inside.

The attacks run as *unguarded* code in the contained worker (fixed probes of
gradviz.runner.containment.probes, bypassing the language layer on purpose) or in a fresh
``python`` that applies one mechanism and then tries to get past it. Each attack is paired with
what learners need (numpy with threads, gradviz.torch, the standard library, the private folder),
so a wall that is too tight fails here as well as one with a hole.

Tests that need Landlock or seccomp skip, naming the missing kernel feature, only when the kernel
lacks it; on this project's machines and CI both are present and every test runs.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from gradviz.cli.run import _note_containment
from gradviz.runner.containment import Containment, worker_environment
from gradviz.runner.containment.environment import ALLOWED_NAMES
from gradviz.runner.containment.landlock import abi_version
from gradviz.runner.containment.linux_syscalls import AARCH64, X86_64, current_architecture
from gradviz.runner.containment.roots import python_read_roots
from gradviz.runner.containment.seccomp import build_filter
from gradviz.runner.limits import Limits
from gradviz.runner.worker import SessionClient

REPO = Path(__file__).resolve().parent.parent
GENEROUS_WALL_TIME_S = 60.0


def _kernel_has_seccomp() -> bool:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return any(line.startswith("Seccomp:") for line in status)
    except OSError:
        return False


LINUX = sys.platform.startswith("linux")
LANDLOCK_ABI = abi_version() if LINUX else 0
SECCOMP = LINUX and current_architecture() is not None and _kernel_has_seccomp()


def need_landlock() -> None:
    if LANDLOCK_ABI < 1:
        pytest.skip("the kernel has no Landlock (not built in, or not enabled at boot)")


def need_seccomp() -> None:
    if not SECCOMP:
        pytest.skip("the kernel has no seccomp filter support for this architecture")


def need_both() -> None:
    need_landlock()
    need_seccomp()


@pytest.fixture
def worker() -> Iterator[SessionClient]:
    """A started, contained worker of this test's own."""
    need_both()
    client = SessionClient(Limits(wall_time_s=GENEROUS_WALL_TIME_S))
    try:
        assert client.run_cell(0, "started = True", 1).error is None
        yield client
    finally:
        client.close()


def refused(outcome: tuple[str, str]) -> bool:
    verdict, _detail = outcome
    return verdict == "refused"


def allowed(outcome: tuple[str, str]) -> bool:
    verdict, _detail = outcome
    return verdict == "allowed"


# -- the worker's containment ------------------------------------------------------------------


def test_worker_reports_every_wall(worker: SessionClient) -> None:
    status = worker.containment
    assert status is not None and status.active, status
    assert {f"landlock-abi-{LANDLOCK_ABI}", "seccomp", "rlimits"} <= set(status.mechanisms)
    assert {"closed-descriptors", "clean-environment"} <= set(status.mechanisms)
    assert status.reason == ""
    assert status.describe().startswith("contained by the operating system")


def test_files_outside_the_private_folder_cannot_be_written_or_read(worker: SessionClient, tmp_path: Path) -> None:
    target = tmp_path / "escape.txt"
    assert refused(worker.probe("write_file", str(target)))
    assert not target.exists()
    secret = tmp_path / "secret.txt"
    secret.write_text("the learner's own file", encoding="utf-8")
    assert refused(worker.probe("read_file", str(secret)))
    assert refused(worker.probe("list_dir", str(tmp_path)))
    passwd = Path("/etc/passwd")
    if passwd.exists():
        assert refused(worker.probe("read_file", str(passwd)))
    home = Path.home().resolve()
    if not any(home == Path(root) or Path(root) in home.parents for root in python_read_roots()):
        assert refused(worker.probe("list_dir", str(home)))


def test_the_private_folder_is_writable_and_removed_with_the_worker(worker: SessionClient, tmp_path: Path) -> None:
    verdict, folder = worker.probe("private_dir")
    assert verdict == "allowed" and Path(folder).is_dir()
    assert Path(folder) != tmp_path and tmp_path not in Path(folder).parents
    assert worker.probe("private_dir_round_trip") == ("allowed", "kept")
    worker.close()
    assert not Path(folder).exists()


def test_no_programs_and_no_processes(worker: SessionClient, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    assert refused(worker.probe("os_system", str(marker)))
    assert refused(worker.probe("libc_system", str(marker)))
    assert not marker.exists()
    assert refused(worker.probe("subprocess_run"))
    assert refused(worker.probe("fork"))
    assert refused(worker.probe("execute"))
    assert worker.run_cell(1, "print('still the same worker')", 1).stdout == "still the same worker\n"
    assert worker.generation == 1


def test_no_network(worker: SessionClient) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert refused(worker.probe("tcp_connect", str(port)))
        server.setblocking(False)
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    assert refused(worker.probe("tcp_bind"))


def installed_library() -> Path:
    """A shared library inside the Python installation (ctypes' own test library where it exists)."""
    dynload = Path(os.__file__).resolve().parent / "lib-dynload"
    found = sorted(dynload.glob("_ctypes_test*.so")) or sorted(dynload.glob("*.so"))
    if found:
        return found[0]
    import numpy

    return next(Path(numpy.__file__).parent.rglob("*.so"))


def test_libraries_load_only_from_the_python_installation(worker: SessionClient, tmp_path: Path) -> None:
    library = installed_library()
    outside = tmp_path / library.name
    shutil.copy(library, outside)
    verdict, detail = worker.probe("load_library", str(outside))
    assert verdict == "refused" and "Permission denied" in detail
    assert allowed(worker.probe("load_library", str(library)))


def test_other_processes_are_out_of_reach(worker: SessionClient) -> None:
    assert refused(worker.probe("signal_parent"))
    assert refused(worker.probe("ptrace_parent"))


def test_what_learners_need_still_works(worker: SessionClient) -> None:
    assert allowed(worker.probe("numpy_in_threads"))
    assert worker.probe("torch_backward") == ("allowed", "tensor([2., 2., 2.])")
    assert allowed(worker.probe("stdlib_imports"))
    cell = "import torch\nx = torch.ones(2, requires_grad=True)\n(x * x).sum().backward()\nprint(x.grad)"
    result = worker.run_cell(1, cell, 1)
    assert result.error is None and result.stdout == "tensor([2., 2.])\n"


def test_worker_keeps_only_its_channel_and_a_clean_environment(worker: SessionClient) -> None:
    verdict, names = worker.probe("environment")
    assert verdict == "allowed" and set(names.split()) <= ALLOWED_NAMES
    assert "PATH" not in names.split() and "HOME" not in names.split()
    verdict, fds = worker.probe("descriptors")
    # stdin, stdout, stderr, the two pipe ends and the output mirror (mmap keeps its descriptor)
    assert verdict == "allowed" and len(fds.split()) == 6 and fds.split()[:3] == ["0", "1", "2"]


# -- one mechanism at a time, in a fresh interpreter -------------------------------------------


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (this checkout's gradviz first on its path); it prints one
    JSON object as its last line."""
    prelude = f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ if env is None else env),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_landlock_alone_denies_files_tcp_and_signals(tmp_path: Path) -> None:
    need_landlock()
    private = tmp_path / "private"
    private.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        result = run_python(
            """
            import errno, json, os, socket, sys
            from gradviz.runner.containment.landlock import restrict_process
            from gradviz.runner.containment.roots import python_read_roots

            private, outside, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

            def attempt(action):
                try:
                    action()
                    return "ok"
                except OSError as exc:
                    return errno.errorcode[exc.errno]

            def connect():
                with socket.create_connection(("127.0.0.1", port), timeout=10):
                    pass

            def write_private():
                with open(os.path.join(private, "f.txt"), "w") as handle:
                    handle.write("x")

            results = {"connect_before": attempt(connect)}
            results["abi"] = restrict_process(python_read_roots(), [private])
            results["connect_after"] = attempt(connect)
            results["read_outside"] = attempt(lambda: open(outside).read())
            results["write_private"] = attempt(write_private)
            results["signal_parent"] = attempt(lambda: os.kill(os.getppid(), 0))
            print(json.dumps(results))
            """,
            str(private),
            str(outside),
            str(server.getsockname()[1]),
        )
    assert result["connect_before"] == "ok"
    assert result["read_outside"] == "EACCES"
    assert result["write_private"] == "ok" and (private / "f.txt").read_text(encoding="utf-8") == "x"
    assert isinstance(result["abi"], int)
    if result["abi"] >= 4:
        assert result["connect_after"] == "EACCES"
    if result["abi"] >= 6:
        assert result["signal_parent"] == "EPERM"


def test_seccomp_alone_allows_threads_and_refuses_processes_and_sockets(tmp_path: Path) -> None:
    need_seccomp()
    mode_target = tmp_path / "mode.txt"
    mode_target.write_text("x", encoding="utf-8")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    result = run_python(
        """
        import ctypes, errno, json, os, socket, sys, threading
        from gradviz.runner.containment.linux_syscalls import current_architecture
        from gradviz.runner.containment.seccomp import install_filter

        def attempt(action):
            try:
                action()
                return "ok"
            except OSError as exc:
                return errno.errorcode[exc.errno]

        arch = current_architecture()
        install_filter(arch, os.getpid())
        import numpy as np  # OpenBLAS starts its thread pool under the filter

        a = np.ones((300, 300))
        results = {"blas": float((a @ a).sum()), "tasks": len(os.listdir("/proc/self/task"))}
        seen = []
        thread = threading.Thread(target=lambda: seen.append(1))
        thread.start()
        thread.join()
        results["thread"] = seen == [1]
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        results["clone3"] = errno.errorcode[ctypes.get_errno()] if libc.syscall(435, None, 0) < 0 else "ok"
        results["fork"] = attempt(os.fork)
        results["socket"] = attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        results["socketpair"] = attempt(socket.socketpair)
        results["chmod"] = attempt(lambda: os.chmod(sys.argv[1], 0o777))
        results["kill_self_0"] = attempt(lambda: os.kill(os.getpid(), 0))
        results["kill_parent_0"] = attempt(lambda: os.kill(os.getppid(), 0))
        results["execv"] = attempt(lambda: os.execv("/bin/true", ["true"]))
        print(json.dumps(results))
        """,
        str(mode_target),
        env=env,
    )
    assert result["blas"] == 300.0 * 300 * 300 and result["thread"] is True
    assert isinstance(result["tasks"], int) and result["tasks"] >= 2  # OpenBLAS made its thread
    assert result["clone3"] == "ENOSYS"  # so libc falls back to clone, which the filter can judge
    assert result["fork"] == result["socket"] == result["socketpair"] == "EPERM"
    assert result["chmod"] == "EPERM" and result["kill_parent_0"] == "EPERM" and result["execv"] == "EPERM"
    assert result["kill_self_0"] == "ok"


def test_a_wall_that_cannot_apply_is_reported_not_hidden(tmp_path: Path) -> None:
    """Landlock covers only the thread that asks; with another thread already running the worker
    must say it is not contained, and why, rather than pretend."""
    need_both()
    result = run_python(
        """
        import json, sys, threading
        from gradviz.runner.containment import contain_worker

        stop = threading.Event()
        waiter = threading.Thread(target=stop.wait)
        waiter.start()
        status = contain_worker(sys.argv[1], (), 1000, ())
        stop.set()
        waiter.join()
        print(json.dumps(status.to_dict()))
        """,
        str(tmp_path),
        env=worker_environment(str(tmp_path)),
    )
    status = Containment.from_dict(result)
    assert not status.active
    assert "threads were running" in status.reason
    assert "seccomp" in status.mechanisms  # what could apply still did
    assert status.describe().startswith("not contained: Landlock:")


def test_inherited_descriptors_are_closed(tmp_path: Path) -> None:
    held = os.open(tmp_path / "held.txt", os.O_CREAT | os.O_WRONLY)
    try:
        code = textwrap.dedent(
            """
            import json
            from gradviz.runner.containment.descriptors import close_inherited_descriptors, open_descriptors
            closed = close_inherited_descriptors(keep=())
            print(json.dumps({"closed": closed, "open": open_descriptors()}))
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            pass_fds=(held,),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            timeout=60,
            check=True,
        )
    finally:
        os.close(held)
    result = json.loads(done.stdout)
    assert held in result["closed"]
    assert result["open"] == [0, 1, 2]


# -- plain data ---------------------------------------------------------------------------------


def test_worker_environment_keeps_nothing_of_the_users() -> None:
    parent = {"PATH": "/usr/bin", "HOME": "/home/learner", "AWS_SECRET_ACCESS_KEY": "k", "LANG": "de_DE.UTF-8"}
    env = worker_environment("/private", parent)
    assert env["LANG"] == "de_DE.UTF-8" and env["TMPDIR"] == "/private" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert set(env) <= ALLOWED_NAMES
    assert not {"PATH", "HOME", "AWS_SECRET_ACCESS_KEY"} & set(env)


@pytest.mark.parametrize("arch", [X86_64, AARCH64], ids=lambda a: a.name)
def test_seccomp_program_checks_the_architecture_first(arch) -> None:
    program = build_filter(arch, own_pid=4242)
    assert len(program) % 8 == 0 and len(program) // 8 < 4096
    first_k = int.from_bytes(program[4:8], sys.byteorder)
    second_k = int.from_bytes(program[12:16], sys.byteorder)
    assert first_k == 4  # load seccomp_data.arch
    assert second_k == arch.audit_arch
    assert (arch.number("fork") is None) == (arch is AARCH64)


def test_malformed_report_reads_as_not_contained() -> None:
    assert not Containment.from_dict(["active"]).active
    assert not Containment.from_dict({"active": "yes"}).active
    assert Containment.from_dict({"active": True, "mechanisms": ["seccomp"], "reason": ""}).active


def note(status: Containment | None) -> str:
    err = io.StringIO()
    _note_containment(status, err)
    return err.getvalue()


def test_cli_says_so_in_one_line_only_when_not_contained() -> None:
    text = note(Containment(False, ["rlimits"], "Landlock: not available"))
    assert text == "gradviz: not contained: Landlock: not available; the code could reach your files\n"
    assert note(Containment(True, ["seccomp"], "")) == ""
    assert note(None) == ""


def test_macos_profile_states_the_same_intent(tmp_path: Path) -> None:
    """Written for macOS's sandbox-exec and not runnable here: the profile text at least denies by
    default, the network and forking, and lets the worker write only its private folder."""
    from gradviz.runner.containment.macos import wrap_command

    argv = wrap_command([sys.executable, "-I", "-c", "pass"], python_read_roots(), str(tmp_path))
    assert argv[:2] == ["/usr/bin/sandbox-exec", "-p"] and argv[3:] == [sys.executable, "-I", "-c", "pass"]
    profile = argv[2].splitlines()
    assert profile[:2] == ["(version 1)", "(deny default)"]
    assert "(deny network*)" in profile and "(deny process-fork)" in profile
    writes = [line for line in profile if "file-write*" in line]
    assert writes == [f'(allow file-read* file-write* (subpath "{os.path.realpath(tmp_path)}"))']

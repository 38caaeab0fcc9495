"""Classic Python sandbox escapes, each of which must end in a clean refusal.

"Clean" means: the cell's result carries an error (never success), the error is the sandbox's
refusal (or, where noted, the ordinary Python error that leaves the attacker with nothing), the
runner itself did not crash, and nothing the payload tried to print or write got out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session

# Stands for a file path in the payloads that try to write or read a file; each test puts it in its
# own tmp_path (see _with_marker), so "nothing was written" is checked on a folder nobody else uses.
MARKER = "@MARKER@"

# (id, source, accepted error types). Most are SandboxError; a few are refusals that surface as
# the Python error a learner would see (the name or module simply does not exist for them).
PAYLOADS: list[tuple[str, str, set[str]]] = [
    ("subclass-walk-tuple", "().__class__.__bases__[0].__subclasses__()", {"SandboxError"}),
    ("subclass-walk-str", "''.__class__.__mro__[1].__subclasses__()", {"SandboxError"}),
    ("nfkc-dunder", "().__\uff43lass__", {"SandboxError"}),
    ("format-attr-walk", "'{0.__class__.__bases__}'.format(1)", {"SandboxError"}),
    ("format-index-walk", "'{0[0]}'.format([print])", {"SandboxError"}),
    ("format-unbound", "str.format('{0.__class__}', 1)", {"SandboxError"}),
    ("format-map", "'{a}'.format_map({'a': 1})", {"SandboxError"}),
    ("fstring-dunder", "f'{().__class__}'", {"SandboxError"}),
    ("generator-frame", "g = (i for i in [1])\ng.gi_frame.f_back.f_globals", {"SandboxError"}),
    ("generator-frame-getattr", "g = (i for i in [1])\ngetattr(g, 'gi_' + 'frame')", {"SandboxError"}),
    ("generator-code", "g = (i for i in [1])\ngetattr(g, 'gi_code')", {"SandboxError"}),
    ("yield-function", "def f():\n    yield 1\nf()", {"SandboxError"}),
    ("builtins-name", "__builtins__", {"SandboxError"}),
    ("import-dunder", "__import__('os').system('true')", {"SandboxError"}),
    ("import-os", "import os\nos.system('touch " + MARKER + "')", {"SandboxError"}),
    ("from-os", "from os import system", {"SandboxError"}),
    ("import-subprocess", "import subprocess", {"SandboxError"}),
    ("import-relative", "from . import cells", {"SandboxError"}),
    ("module-dict", "import math\nmath.__dict__", {"SandboxError"}),
    ("module-loader", "import math\nmath.__loader__", {"SandboxError"}),
    ("torch-np-leak", "import torch as t\nt.np", {"AttributeError"}),
    ("torch-save", "import torch\ntorch.save(torch.ones(2), '" + MARKER + "')", {"SandboxError"}),
    ("torch-getattr-dunder", "import torch\ngetattr(torch, '__dict__')", {"SandboxError"}),
    ("torch-private-submodule", "import torch._C", {"SandboxError"}),
    ("numpy-save", "import numpy as np\nnp.save('" + MARKER + "', np.ones(2))", {"SandboxError"}),
    ("numpy-load", "import numpy as np\nnp.load('" + MARKER + ".npy')", {"SandboxError"}),
    ("numpy-fromfile", "import numpy as np\nnp.fromfile('/etc/hostname')", {"SandboxError"}),
    ("numpy-lib", "import numpy as np\nnp.lib.npyio", {"SandboxError"}),
    ("numpy-ctypeslib", "import numpy.ctypeslib", {"ModuleNotFoundError"}),
    ("numpy-ufunc-attr", "import numpy as np\nnp.exp.reduce", {"SandboxError"}),
    ("ndarray-tofile", "import numpy as np\nnp.ones(2).tofile('" + MARKER + "')", {"SandboxError"}),
    ("tensor-numpy-dump", "import torch\ntorch.ones(2).numpy().dump('" + MARKER + "')", {"SandboxError"}),
    ("tensor-numpy-ctypes", "import torch\ntorch.ones(2).numpy().ctypes", {"SandboxError"}),
    ("ndarray-class-method", "import numpy as np\ngetattr(type(np.ones(2)), 'tofile')", {"SandboxError"}),
    ("type-three-args", "type('X', (object,), {})", {"SandboxError"}),
    ("type-of-class", "type(int)", {"SandboxError"}),
    ("type-mro", "type(1).mro()", {"SandboxError"}),
    ("vars", "vars(1)", {"SandboxError"}),
    (
        "dir-hides-internals",
        "import torch as t\nnames = dir(t.ones(1))\n[n for n in names if n.startswith('__')][0]",
        {"IndexError"},
    ),
    ("globals", "globals()['__builtins__']", {"SandboxError"}),
    ("locals", "locals()", {"SandboxError"}),
    ("eval", "eval('1 + 1')", {"SandboxError"}),
    ("exec", "exec('x = 1')", {"SandboxError"}),
    ("compile", "compile('1', 'f', 'eval')", {"SandboxError"}),
    ("open", "open('/etc/passwd').read()", {"SandboxError"}),
    ("open-write", "open('" + MARKER + "', 'w').write('x')", {"SandboxError"}),
    ("lambda-code", "(lambda: 0).__code__", {"SandboxError"}),
    ("lambda-globals", "(lambda: 0).__globals__", {"SandboxError"}),
    ("lambda-default-trick", "f = lambda x=print: x\ngetattr(f, '__defaults__')", {"SandboxError"}),
    ("function-attr", "def f(): pass\nf.x = 1", {"SandboxError"}),
    ("decorator-print", "@print\ndef f():\n    pass", {"SandboxError"}),
    ("decorator-lambda", "@(lambda f: f)\ndef f():\n    pass", {"SandboxError"}),
    ("class-decorator", "def d(c): return c\n@d\nclass A:\n    pass", {"SandboxError"}),
    ("metaclass-keyword", "class A(metaclass=type):\n    pass", {"SandboxError"}),
    ("subclass-type", "class A(type):\n    pass", {"SandboxError"}),
    ("subclass-exception", "class E(Exception):\n    pass", {"SandboxError"}),
    ("class-getattr-dunder", "class A:\n    def __getattr__(self, n):\n        return n", {"SandboxError"}),
    ("init-subclass", "class A:\n    def __init_subclass__(cls):\n        pass", {"SandboxError"}),
    ("traceback-walk", "try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame", {"SandboxError"}),
    ("traceback-method", "try:\n    1/0\nexcept Exception as e:\n    e.with_traceback(None)", {"SandboxError"}),
    ("exception-getattr", "try:\n    1/0\nexcept Exception as e:\n    getattr(e, '__traceback__')", {"SandboxError"}),
    ("bound-method-self", "getattr(print, '__self__')", {"SandboxError"}),
    ("builtin-method-attr", "[].append.__self__", {"SandboxError"}),
    ("setattr-builtin", "setattr(print, 'x', 1)", {"SandboxError"}),
    ("patch-engine-class", "import torch as t\nt.Tensor.backward = lambda self: None", {"SandboxError"}),
    ("patch-module-proxy", "import torch as t\nt.ones = 5", {"SandboxError"}),
    ("print-to-file", "print('x', file=1)", {"SandboxError"}),
    ("match-class-pattern", "match 1:\n    case object(__class__=c):\n        pass", {"SandboxError"}),
    ("async", "async def f():\n    pass", {"SandboxError"}),
    ("private-attr", "import torch as t\nt.ones(2)._data", {"SandboxError"}),
    ("super-walk", "super().__thisclass__", {"SandboxError"}),
    ("object-subclasses-getattr", "getattr(object, '__subclasses__')()", {"SandboxError"}),
    ("class-mro-getattr", "getattr(int, 'mro')()", {"SandboxError"}),
    ("star-import-os", "from os import *", {"SandboxError"}),
    ("walrus-dunder", "(__x := 1)", {"SandboxError"}),
    ("global-dunder", "def f():\n    global __builtins__", {"SandboxError"}),
    ("keyword-dunder", "dict(__class__=1)", {"SandboxError"}),
]


def _with_marker(source: str, folder: Path) -> str:
    """The payload with MARKER replaced by a file in ``folder``, escaped for a '...' literal."""
    path = str(folder / "escape-marker").replace("\\", "\\\\").replace("'", "\\'")
    return source.replace(MARKER, path)


@pytest.mark.parametrize("name,source,accepted", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_payload_is_refused(name: str, source: str, accepted: set[str], tmp_path: Path) -> None:
    session = Session(Limits(wall_time_s=60), snapshots=False)
    result = session.run_cell(0, _with_marker(source, tmp_path), 1)
    assert list(tmp_path.iterdir()) == [], "a payload wrote a file"
    assert result.error is not None, f"{name} ran: stdout={result.stdout!r} echo={result.echo!r}"
    assert result.error.type in accepted, result.error.headline
    assert result.error.message
    assert result.echo is None
    # The runner survives the attempt: the same session still runs ordinary code.
    after = session.run_cell(1, "print(6 * 7)", 1)
    assert after.error is None and after.stdout == "42\n"


def test_there_are_at_least_thirty_payloads() -> None:
    assert len(PAYLOADS) >= 30


def test_refusals_name_the_problem() -> None:
    session = Session(snapshots=False)
    assert "import of 'os' is not allowed" in session.run_cell(0, "import os", 1).error.message
    assert "open() is not available" in session.run_cell(0, "open('x')", 1).error.message
    message = session.run_cell(0, "x = 1\nx.__class__", 1).error
    assert message.line == 2 and "'__class__'" in message.message


def test_module_proxies_expose_only_curated_names() -> None:
    from gradviz.runner.sandbox.guard import ModuleProxy, proxy_exports
    from gradviz.runner.sandbox.modules import math_proxy, numpy_proxy

    for proxy in (numpy_proxy(), math_proxy()):
        names = proxy_exports(proxy)
        assert not {"save", "load", "fromfile", "lib", "os", "sys", "ctypeslib", "memmap"} & set(names)
        for value in names.values():
            assert not isinstance(value, type(os)), "a real module leaked into a proxy"
    assert isinstance(numpy_proxy().random, ModuleProxy)


def test_torch_proxy_never_exports_foreign_modules() -> None:
    from gradviz.runner.sandbox.guard import ModuleProxy, proxy_exports
    from gradviz.runner.sandbox.modules import torch_proxy

    pending = [torch_proxy()]
    seen: set[int] = set()
    while pending:
        proxy = pending.pop()
        if id(proxy) in seen:
            continue
        seen.add(id(proxy))
        for name, value in proxy_exports(proxy).items():
            assert not isinstance(value, type(os)), f"real module under {name}"
            assert name not in {"save", "load", "np", "numpy", "os", "sys"}
            if isinstance(value, ModuleProxy):
                pending.append(value)


def test_legitimate_neighbours_of_refused_things_still_work() -> None:
    session = Session(snapshots=False)
    source = (
        "import numpy as np\n"
        "a = np.ones((2, 2))\n"
        "print(a.sum(), a.shape, '{:>4}|{}'.format(1, 'x'), type(1), hasattr(a, 'tofile'))\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError as e:\n"
        "    print('caught', e.args)\n"
        "f = lambda x=2: x * 3\n"
        "print(f(), getattr(a, 'ndim'), getattr({}, 'nope', 'default'))\n"
    )
    result = session.run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.stdout == "4.0 (2, 2)    1|x <class 'int'> False\ncaught ('division by zero',)\n6 2 default\n"


def test_no_payload_touched_the_file_system(tmp_path: Path) -> None:
    session = Session(snapshots=False)
    target = tmp_path / "out.txt"
    result = session.run_cell(0, f"open({str(target)!r}, 'w').write('x')", 1)
    assert result.error is not None and not target.exists()

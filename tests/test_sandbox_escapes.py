"""Escapes from the language layer, each of which must end cleanly.

"Cleanly" means: the cell's result carries an error (never success), the error is the sandbox's
refusal with a message (or, where noted, the ordinary Python error that leaves the attacker with
nothing), the runner itself did not crash, and nothing the payload tried to print, write or read
got out: no file appears, and neither the environment (``os.environ``) nor the interpreter's real
builtins module shows up in what the cell printed.

Three families: the classic Python sandbox escapes, the escapes issue 13 reported (numpy raw
memory, metaclass calls, ``super()`` over a numpy string), and attacks written against this
design (INVENTED: stand-ins, the raw-protocol shield, checked callables, curated modules, class
sealing and the time limit). Things the old allow-list refused that are ordinary, harmless Python
now run exactly as in Python (ONCE_REFUSED).
"""

from __future__ import annotations

import os
import textwrap
import types
from pathlib import Path

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from tests.test_everyday_python import run_plain, run_sandboxed

# Stands for a file path in the payloads that try to write or read a file; each test puts it in its
# own tmp_path (see _with_marker), so "nothing was written" is checked on a folder nobody else uses.
MARKER = "@MARKER@"
CANARY = "gradviz-canary-5c1e"  # an environment value no payload may print
INTERFACE = "{'shape': (1,), 'typestr': '|O', 'data': (id(print), False), 'version': 3}"
SANDBOX = {"SandboxError"}


def code(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


# (id, source, accepted error types). Most are SandboxError; a few are refusals that surface as
# the Python error a learner would see (the name or module simply is not there for them). Sources
# name a file as @MARKER@ and a raw-memory interface dict (typestr '|O' at print's address) as
# @INTERFACE@.
PAYLOADS: list[tuple[str, str, set[str]]] = [
    ("subclass-walk-tuple", "().__class__.__bases__[0].__subclasses__()", SANDBOX),
    ("subclass-walk-str", "''.__class__.__mro__[1].__subclasses__()", SANDBOX),
    ("subclass-getattr", "getattr(object, '__subcl' + 'asses__')()", SANDBOX),
    ("subclass-vars-type", "vars(type)['__subclasses__'](object)", SANDBOX),
    ("subclass-type-getattribute", "type.__getattribute__(object, '__subcl' + 'asses__')()", SANDBOX),
    (
        "generator-frame",
        code(
            """
            g = (i for i in [1])
            g.gi_frame.f_back.f_globals
            """
        ),
        SANDBOX,
    ),
    (
        "generator-frame-getattr",
        code(
            """
            g = (i for i in [1])
            getattr(g, 'gi_' + 'frame')
            """
        ),
        SANDBOX,
    ),
    (
        "generator-code",
        code(
            """
            g = (i for i in [1])
            getattr(g, 'gi_code')
            """
        ),
        SANDBOX,
    ),
    (
        "coroutine-frame",
        code(
            """
            async def f():
                pass
            c = f()
            getattr(c, 'cr_' + 'frame')
            """
        ),
        SANDBOX,
    ),
    (
        "traceback-frame",
        code(
            """
            try:
                1/0
            except Exception as e:
                e.__traceback__.tb_frame
            """
        ),
        SANDBOX,
    ),
    (
        "traceback-frame-getattr",
        code(
            """
            try:
                1/0
            except Exception as e:
                getattr(e.__traceback__, 'tb_fr' + 'ame')
            """
        ),
        SANDBOX,
    ),
    ("builtins-name", "__builtins__", SANDBOX),
    (
        "builtins-global",
        code(
            """
            def f():
                global __builtins__
            """
        ),
        SANDBOX,
    ),
    ("builtins-rebind", "globals()['__buil' + 'tins__'] = {}", SANDBOX),
    ("builtins-via-globals", "globals()['__builtins__']['__import__']('os')", {"KeyError"}),
    ("builtins-via-print-self", "print.__self__.__import__('os')", SANDBOX),
    ("builtins-via-getattr", "getattr(len, '__se' + 'lf__')", SANDBOX),
    (
        "builtins-via-function",
        code(
            """
            def f(): pass
            f.__builtins__
            """
        ),
        SANDBOX,
    ),
    ("import-dunder", "__import__('os').system('true')", SANDBOX),
    (
        "import-os",
        code(
            """
            import os
            os.system('touch @MARKER@')
            """
        ),
        SANDBOX,
    ),
    ("from-os", "from os import system", SANDBOX),
    ("star-import-os", "from os import *", SANDBOX),
    ("import-subprocess", "import subprocess", SANDBOX),
    ("import-socket", "import socket", SANDBOX),
    ("import-ctypes", "import ctypes", SANDBOX),
    ("import-pickle", "import pickle", SANDBOX),
    ("import-sys", "import sys", SANDBOX),
    ("import-importlib", "import importlib", SANDBOX),
    ("import-io", "import io", SANDBOX),
    ("import-builtins", "import builtins", SANDBOX),
    ("import-inspect", "import inspect", SANDBOX),
    ("import-gc", "import gc", SANDBOX),
    ("import-shutil", "import shutil", SANDBOX),
    ("import-pathlib", "from pathlib import Path", SANDBOX),
    ("import-struct", "import struct", SANDBOX),
    ("import-gradviz", "import gradviz.runner.session", SANDBOX),
    ("import-relative", "from . import cells", SANDBOX),
    (
        "module-private",
        code(
            """
            import math
            math._private
            """
        ),
        SANDBOX,
    ),
    (
        "module-imported-module",
        code(
            """
            import typing
            typing.sys
            """
        ),
        SANDBOX,
    ),
    (
        "torch-np-leak",
        code(
            """
            import torch as t
            t.np
            """
        ),
        {"AttributeError"},
    ),
    (
        "torch-save",
        code(
            """
            import torch
            torch.save(torch.ones(2), '@MARKER@')
            """
        ),
        SANDBOX,
    ),
    ("torch-private-submodule", "import torch._C", {"ModuleNotFoundError"}),
    (
        "numpy-save",
        code(
            """
            import numpy as np
            np.save('@MARKER@', np.ones(2))
            """
        ),
        SANDBOX,
    ),
    (
        "numpy-load",
        code(
            """
            import numpy as np
            np.load('@MARKER@.npy')
            """
        ),
        SANDBOX,
    ),
    (
        "numpy-fromfile",
        code(
            """
            import numpy as np
            np.fromfile('/etc/hostname')
            """
        ),
        SANDBOX,
    ),
    (
        "numpy-lib-npyio",
        code(
            """
            import numpy as np
            np.lib.npyio
            """
        ),
        SANDBOX,
    ),
    ("numpy-ctypeslib", "import numpy.ctypeslib", {"ModuleNotFoundError", "SandboxError"}),
    (
        "numpy-private",
        code(
            """
            import numpy as np
            np._core
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-tofile",
        code(
            """
            import numpy as np
            np.ones(2).tofile('@MARKER@')
            """
        ),
        SANDBOX,
    ),
    (
        "tensor-numpy-dump",
        code(
            """
            import torch
            torch.ones(2).numpy().dump('@MARKER@')
            """
        ),
        SANDBOX,
    ),
    (
        "tensor-numpy-ctypes",
        code(
            """
            import torch
            torch.ones(2).numpy().ctypes
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-class-method",
        code(
            """
            import numpy as np
            getattr(type(np.ones(2)), 'tofile')
            """
        ),
        SANDBOX,
    ),
    (
        "function-globals",
        code(
            """
            def f(): pass
            f.__globals__
            """
        ),
        SANDBOX,
    ),
    (
        "function-globals-computed",
        code(
            """
            def f(): pass
            getattr(f, '__glo' + 'bals__')
            """
        ),
        SANDBOX,
    ),
    ("lambda-code", "(lambda: 0).__code__", SANDBOX),
    (
        "function-closure",
        code(
            """
            def f():
                x = 1
                return lambda: x
            f().__closure__
            """
        ),
        SANDBOX,
    ),
    ("reduce-ex", "(1).__reduce_ex__(2)", SANDBOX),
    ("reduce-ex-getattr", "getattr([], '__reduce_' + 'ex__')(2)", SANDBOX),
    ("eval", "eval('1 + 1')", SANDBOX),
    ("exec", "exec('x = 1')", SANDBOX),
    ("compile", "compile('1', 'f', 'eval')", SANDBOX),
    ("open", "open('/etc/passwd').read()", SANDBOX),
    ("open-write", "open('@MARKER@', 'w').write('x')", SANDBOX),
    ("input", "input()", SANDBOX),
    ("breakpoint", "breakpoint()", SANDBOX),
    (
        "format-globals",
        code(
            """
            def f(): pass
            '{0.__globals__}'.format(f)
            """
        ),
        SANDBOX,
    ),
    (
        "format-map-globals",
        code(
            """
            def f(): pass
            '{f.__globals__}'.format_map({'f': f})
            """
        ),
        SANDBOX,
    ),
    (
        "format-unbound-globals",
        code(
            """
            def f(): pass
            str.format('{0.__globals__}', f)
            """
        ),
        SANDBOX,
    ),
    (
        "string-formatter-globals",
        code(
            """
            import string
            def f(): pass
            string.Formatter().format('{0.__globals__}', f)
            """
        ),
        SANDBOX,
    ),
    (
        "patch-engine-class",
        code(
            """
            import torch as t
            t.Tensor.backward = lambda self: None
            """
        ),
        SANDBOX,
    ),
    ("patch-builtin-type-computed", "setattr(int, 'x', 1)", SANDBOX),
    (
        "patch-module-proxy",
        code(
            """
            import torch as t
            t.ones = 5
            """
        ),
        SANDBOX,
    ),
    (
        "engine-private-attribute",
        code(
            """
            import torch as t
            t.ones(2)._data
            """
        ),
        SANDBOX,
    ),
    (
        "match-class-pattern-dunder",
        code(
            """
            match 1:
                case object(__class__=c):
                    pass
            """
        ),
        SANDBOX,
    ),
    (
        "match-class-pattern-private",
        code(
            """
            import random
            match random:
                case object(_os=o):
                    pass
            """
        ),
        SANDBOX,
    ),
]

# The escapes issue 13 reported, and the families it asked to close.
ISSUE_13: list[tuple[str, str, set[str]]] = [
    (
        "function-metaclass-3-args",
        code(
            """
            import torch, numpy as np
            M = type(torch.autograd.Function)
            X = M('X', (torch.autograd.Function,), {'__array_interface__': @INTERFACE@})
            np.asarray(X)
            """
        ),
        SANDBOX,
    ),
    (
        "function-metaclass-via-class-attr",
        code(
            """
            import torch
            torch.autograd.Function.__class__('X', (), {'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-type-buffer",
        code(
            """
            import numpy as np
            type(np.zeros(1))((1,), dtype=object, buffer=bytearray(8))
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-positional-buffer",
        code(
            """
            import numpy as np
            np.ndarray((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-new-buffer",
        code(
            """
            import numpy as np
            np.ndarray.__new__(np.ndarray, (1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    (
        "ndarray-strides",
        code(
            """
            import numpy as np
            np.ndarray((4,), np.int8, bytearray(1), strides=(100,))
            """
        ),
        SANDBOX,
    ),
    (
        "as-strided",
        code(
            """
            import numpy as np
            np.lib.stride_tricks.as_strided(np.zeros(1), (100,), (8,))
            """
        ),
        SANDBOX,
    ),
    (
        "frombuffer-object-array",
        code(
            """
            import numpy as np
            np.frombuffer(np.array([None], dtype=object), np.uint64)
            """
        ),
        SANDBOX,
    ),
    (
        "ctypes-of-array",
        code(
            """
            import numpy as np
            getattr(np.zeros(1), 'cty' + 'pes')
            """
        ),
        SANDBOX,
    ),
    (
        "array-interface-read",
        code(
            """
            import numpy as np
            np.zeros(1).__array_interface__
            """
        ),
        SANDBOX,
    ),
    (
        "array-struct-read",
        code(
            """
            import numpy as np
            getattr(np.zeros(1), '__array_' + 'struct__')
            """
        ),
        SANDBOX,
    ),
    (
        "array-interface-class-body",
        code(
            """
            import numpy as np
            class A:
                __array_interface__ = @INTERFACE@
            np.asarray(A())
            """
        ),
        SANDBOX,
    ),
    (
        "array-interface-setattr",
        code(
            """
            import numpy as np
            class A: pass
            a = A()
            setattr(a, '__array_' + 'interface__', @INTERFACE@)
            """
        ),
        SANDBOX,
    ),
    (
        "array-interface-type-3-args",
        code(
            """
            import numpy as np
            X = type('X', (), {'__array_' + 'interface__': @INTERFACE@})
            np.asarray(X())
            """
        ),
        SANDBOX,
    ),
    (
        "super-numpy-str-format-environ",
        code(
            """
            import numpy as np
            s = np.str_('{0.__init__.__globals__[os].environ}')
            print(super(type(s), s).format(np.zeros))
            """
        ),
        SANDBOX,
    ),
    (
        "frame-walk-generator",
        code(
            """
            def g():
                yield 1
            x = g()
            next(x)
            x.gi_frame.f_back.f_globals
            """
        ),
        SANDBOX,
    ),
    (
        "frame-walk-traceback",
        code(
            """
            try:
                1 / 0
            except Exception as e:
                e.__traceback__.tb_frame.f_back
            """
        ),
        SANDBOX,
    ),
    (
        "subclasses-walk-to-os",
        code(
            """
            wrap = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]
            wrap.__init__.__globals__['system']('true')
            """
        ),
        SANDBOX,
    ),
    ("import-via-builtins-dict", "vars()['__builtins__']['__import__']('os')", {"KeyError"}),
    ("import-via-builtins-print", "getattr(getattr(print, '__self__'), '__import__')('os')", SANDBOX),
    (
        "getattr-computed-dunder",
        code(
            """
            def f(): pass
            getattr(f, ''.join(['__', 'globals', '__']))
            """
        ),
        SANDBOX,
    ),
    (
        "vars-of-function",
        code(
            """
            def f(): pass
            vars(f)
            """
        ),
        SANDBOX,
    ),
    (
        "vars-of-module",
        code(
            """
            import math
            vars(math)['sqrt'].__self__
            """
        ),
        SANDBOX,
    ),
    ("object-getattribute-internals", "object.__getattribute__(type, '_gv_call')", SANDBOX),
]

# Written against this design; each comment says what the attack tries.
INVENTED: list[tuple[str, str, set[str]]] = [
    # a getset descriptor called by hand reads what the attribute read would (the builtins module)
    ("descriptor-get-builtins", "type(print).__self__.__get__(print)", SANDBOX),
    # the same for ndarray.data: a memoryview over an object array's pointers
    (
        "descriptor-get-data",
        code(
            """
            import numpy as np
            o = np.array([None], dtype=object)
            type(o).data.__get__(o)
            """
        ),
        SANDBOX,
    ),
    # memoryview(...).cast('B') of an object array: writable bytes over object pointers
    (
        "memoryview-object-array",
        code(
            """
            import numpy as np
            memoryview(np.array([None], dtype=object)).cast('B')
            """
        ),
        SANDBOX,
    ),
    # the same through memoryview.__new__
    (
        "memoryview-new-object-array",
        code(
            """
            import numpy as np
            memoryview.__new__(memoryview, np.array([None], dtype=object))
            """
        ),
        SANDBOX,
    ),
    # ndarray.data of an object array (slice assignment copies pointers without references)
    (
        "ndarray-data-object-array",
        code(
            """
            import numpy as np
            np.array([None, 1], dtype=object).data
            """
        ),
        SANDBOX,
    ),
    # resize(refcheck=False) frees memory a view still reads: a use-after-free
    (
        "resize-refcheck-false",
        code(
            """
            import numpy as np
            a = np.zeros(4)
            b = a[:]
            a.resize(1000, refcheck=False)
            """
        ),
        SANDBOX,
    ),
    # the same through the unbound method
    (
        "resize-unbound",
        code(
            """
            import numpy as np
            a = np.zeros(4)
            np.ndarray.resize(a, 1000, refcheck=False)
            """
        ),
        SANDBOX,
    ),
    # a raw constructor through a generic alias of the stand-in
    (
        "generic-alias-call",
        code(
            """
            import numpy as np
            np.ndarray[int]((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # numpy.typing.NDArray is an alias of the real ndarray
    (
        "numpy-typing-alias-call",
        code(
            """
            import numpy.typing as npt
            npt.NDArray((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # mro() of a numpy subclass lists the real ndarray
    (
        "mro-method-raw",
        code(
            """
            import numpy as np
            np.matrix.mro()[1]((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # so does __mro__
    (
        "mro-attribute-raw",
        code(
            """
            import numpy as np
            np.matrix.__mro__[1]((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # an unbound method's __objclass__ is the real class
    (
        "objclass-raw",
        code(
            """
            import numpy as np
            np.ndarray.sum.__objclass__((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # recarray(buf=) builds object fields over raw bytes
    (
        "recarray-buffer",
        code(
            """
            import numpy as np
            np.recarray((1,), dtype=[('a', object)], buf=bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # a learner subclass inherits ndarray's raw constructor
    (
        "ndarray-subclass-inherited-new",
        code(
            """
            import numpy as np
            class A(np.ndarray): pass
            A((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # super().__new__ in a learner subclass reaches ndarray.__new__
    (
        "ndarray-subclass-super-new",
        code(
            """
            import numpy as np
            class A(np.ndarray):
                def __new__(cls):
                    return super().__new__(cls, (1,), object, bytearray(8))
            A()
            """
        ),
        SANDBOX,
    ),
    # an AttributeError carries the object it failed on (.obj): here the real ndarray class
    (
        "attribute-error-obj",
        code(
            """
            import numpy as np
            try:
                np.ndarray.nope
            except AttributeError as e:
                e.obj((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # type.__new__ builds a class without the class statement
    ("metaclass-new-direct", "type.__new__(type, 'X', (), {'__array_' + 'interface__': @INTERFACE@})", SANDBOX),
    # so does calling ABCMeta
    (
        "abc-metaclass-call",
        code(
            """
            import abc
            abc.ABCMeta('X', (), {'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    # and a learner metaclass without a __new__ of its own
    (
        "learner-metaclass-call",
        code(
            """
            class M(type): pass
            M('X', (), {'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    # Enum's functional API turns a dict into class attributes
    (
        "enum-functional",
        code(
            """
            import enum
            enum.Enum('E', {'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    # the same on a learner enum, through EnumMeta._create_
    (
        "enum-functional-on-learner-base",
        code(
            """
            import enum
            class Base(enum.Enum): pass
            Base('E', {'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    # make_dataclass(namespace=) too
    (
        "make-dataclass-namespace",
        code(
            """
            import dataclasses
            dataclasses.make_dataclass('X', [], namespace={'__array_' + 'interface__': @INTERFACE@})
            """
        ),
        SANDBOX,
    ),
    # a __prepare__ mapping hides the key from iteration while __set_name__ spies on the class
    (
        "prepare-hides-interface",
        code(
            """
            import numpy as np
            class Hide(dict):
                def keys(self): return [k for k in dict.keys(self) if 'array' not in k]
                def __iter__(self): return iter(self.keys())
            class M(type):
                @classmethod
                def __prepare__(mcs, name, bases): return Hide()
            class Spy:
                def __set_name__(self, owner, name): print(np.asarray(owner))
            class A(metaclass=M):
                spy = Spy()
                locals()['__array_' + 'interface__'] = @INTERFACE@
            """
        ),
        SANDBOX,
    ),
    # object.__setattr__ takes the name from its caller
    (
        "object-setattr-interface",
        code(
            """
            class A: pass
            object.__setattr__(A(), '__array_' + 'interface__', {})
            """
        ),
        SANDBOX,
    ),
    # so does type.__setattr__
    (
        "type-setattr-interface",
        code(
            """
            class A: pass
            type.__setattr__(A, '__array_' + 'interface__', {})
            """
        ),
        SANDBOX,
    ),
    # and operator.methodcaller('__setattr__', ...)
    (
        "methodcaller-setattr",
        code(
            """
            import operator
            def f(): pass
            operator.methodcaller('__setattr__', '__array_' + 'interface__', {})(f)
            """
        ),
        SANDBOX,
    ),
    # operator.attrgetter reads any name in C
    (
        "attrgetter-globals",
        code(
            """
            import operator
            def f(): pass
            operator.attrgetter('__glo' + 'bals__')(f)
            """
        ),
        SANDBOX,
    ),
    # a function's __dict__ entry is an attribute numpy reads
    (
        "function-dict-poison",
        code(
            """
            def f(): pass
            f.__dict__['__array_' + 'interface__'] = {}
            """
        ),
        SANDBOX,
    ),
    # update_wrapper copies an instance dict (shielded there) onto a function (not shielded)
    (
        "update-wrapper-copies-poisoned-dict",
        code(
            """
            import functools
            class A: pass
            a = A()
            a.__dict__['__array_' + 'interface__'] = @INTERFACE@
            def f(): pass
            functools.update_wrapper(f, a)
            """
        ),
        SANDBOX,
    ),
    # update_wrapper(assigned=...) reads and writes any attribute name
    (
        "update-wrapper-any-name",
        code(
            """
            import functools
            def f(): pass
            functools.update_wrapper(f, print, assigned=('__self__',))
            """
        ),
        SANDBOX,
    ),
    # copy applies a __reduce_ex__ state to an object of a foreign class
    (
        "copy-reduce-poisons-foreign-object",
        code(
            """
            import copy, collections
            class A:
                def __reduce_ex__(self, p):
                    return (collections.Counter, (), {'__array_' + 'interface__': @INTERFACE@})
            copy.copy(A())
            """
        ),
        SANDBOX,
    ),
    # moving an object into a foreign class leaves the shield behind
    (
        "class-swap-foreign",
        code(
            """
            import string
            class A: pass
            a = A()
            a.__class__ = string.Template
            """
        ),
        SANDBOX,
    ),
    # as would swapping a class's bases
    (
        "class-bases-swap",
        code(
            """
            class A: pass
            class B: pass
            B.__bases__ = (A,)
            """
        ),
        SANDBOX,
    ),
    # match reads __match_args__ names in C; a metaclass lies in __instancecheck__
    (
        "match-args-dunder",
        code(
            """
            class M(type):
                def __instancecheck__(cls, obj): return True
            class P(metaclass=M):
                __match_args__ = ('__self__',)
            match print:
                case P(m):
                    print(m)
            """
        ),
        SANDBOX,
    ),
    # the value a class pattern binds is checked like any read
    (
        "match-args-data-memoryview",
        code(
            """
            import numpy as np
            class M(type):
                def __instancecheck__(cls, obj): return True
            class P(metaclass=M):
                __match_args__ = ('data',)
            match np.array([None], dtype=object):
                case P(m):
                    print(m)
            """
        ),
        SANDBOX,
    ),
    # a keyword class pattern reads in C too
    (
        "match-kwd-computed-object",
        code(
            """
            import numpy as np
            match print:
                case object(__self__=m):
                    pass
            """
        ),
        SANDBOX,
    ),
    # obj.attr += v loads the attribute in C; a learner __radd__ would receive the raw str.format
    (
        "augassign-leaks-format",
        code(
            """
            class E:
                def __radd__(self, other):
                    global leaked
                    leaked = other
                    return 'x'
            class S(str): pass
            s = S('{0.__globals__}')
            s.format += E()
            def f(): pass
            print(leaked(f))
            """
        ),
        SANDBOX,
    ),
    # a stand-in's real class
    (
        "standin-private",
        code(
            """
            import numpy as np
            np.ndarray._gv_real
            """
        ),
        SANDBOX,
    ),
    # the same through object.__getattribute__
    (
        "standin-getattribute",
        code(
            """
            import numpy as np
            object.__getattribute__(np.ndarray, '_gv_real')
            """
        ),
        SANDBOX,
    ),
    # a checked callable's original
    ("checked-call-private", "'{}'.format._gv_original", SANDBOX),
    # a replaced builtin's function
    ("builtin-wrapper-private", "getattr._gv_fn", SANDBOX),
    # the namespace view's class
    ("type-of-runner-object", "type(globals()).__init__.__globals__", SANDBOX),
    # random imports os for itself
    (
        "random-os",
        code(
            """
            import random
            random._os
            """
        ),
        SANDBOX,
    ),
    # catch_warnings keeps the real warnings module (and through it sys)
    (
        "catch-warnings-module",
        code(
            """
            import warnings
            warnings.catch_warnings()._module
            """
        ),
        SANDBOX,
    ),
    # formatwarning reads a source line from any file
    (
        "warnings-reads-files",
        code(
            """
            import warnings
            warnings.formatwarning('m', UserWarning, '/etc/passwd', 1)
            """
        ),
        SANDBOX,
    ),
    # get_type_hints evaluates string annotations with eval (unchecked code)
    (
        "typing-hints-eval",
        code(
            """
            import typing
            def f(x: '().__class__.__base__.__subclasses__()'): pass
            typing.get_type_hints(f)
            """
        ),
        SANDBOX,
    ),
    # get_origin hands out an alias's origin: the real ndarray
    (
        "typing-get-origin-raw",
        code(
            """
            import typing, numpy.typing as npt
            typing.get_origin(npt.NDArray)((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # a BitGenerator's ctypes interface calls C with any address
    (
        "bitgen-ctypes",
        code(
            """
            import numpy as np
            getattr(np.random.default_rng().bit_generator, 'cty' + 'pes')
            """
        ),
        SANDBOX,
    ),
    # its capsule is a raw C pointer
    (
        "bitgen-capsule",
        code(
            """
            import numpy as np
            np.random.default_rng().bit_generator.capsule
            """
        ),
        SANDBOX,
    ),
    # chdir changes the worker's working folder
    (
        "contextlib-chdir",
        code(
            """
            import contextlib
            contextlib.chdir('/')
            """
        ),
        SANDBOX,
    ),
    # abc calls __subclasshook__ with type(instance): the real ndarray class.
    (
        "abc-subclasshook-gets-real-class",
        code(
            """
            import abc, numpy as np
            class Spy(abc.ABC):
                @classmethod
                def __subclasshook__(cls, C):
                    global leaked
                    leaked = C
                    return NotImplemented
            isinstance(np.zeros(1), Spy)
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # functools.singledispatch asks the same hook about the argument's class.
    (
        "singledispatch-subclasshook",
        code(
            """
            import abc, functools, numpy as np
            class Spy(abc.ABC):
                @classmethod
                def __subclasshook__(cls, C):
                    global leaked
                    leaked = C
                    return NotImplemented
            @functools.singledispatch
            def f(x): return 0
            f.register(Spy, lambda x: 1)
            f(np.zeros(1))
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # A class statement hands its resolved bases (the real class behind np.ndarray) to the metaclass.
    (
        "metaclass-prepare-gets-real-bases",
        code(
            """
            import numpy as np
            class M(type):
                @classmethod
                def __prepare__(mcs, name, bases):
                    global leaked
                    leaked = bases[0]
                    return {}
            class X(np.ndarray, metaclass=M): pass
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    (
        "metaclass-new-gets-real-bases",
        code(
            """
            import numpy as np
            class M(type):
                def __new__(mcs, name, bases, ns):
                    global leaked
                    leaked = bases[0]
                    return super().__new__(mcs, name, bases, ns)
            class X(np.ndarray, metaclass=M): pass
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    (
        "metaclass-init-gets-real-bases",
        code(
            """
            import numpy as np
            class M(type):
                def __init__(cls, name, bases, ns):
                    global leaked
                    leaked = bases[0]
            class X(np.ndarray, metaclass=M): pass
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # abc's registry check calls a learner metaclass's __subclasscheck__ with the real class.
    (
        "metaclass-subclasscheck-gets-real-class",
        code(
            """
            import abc, numpy as np
            class M(abc.ABCMeta):
                def __subclasscheck__(cls, sub):
                    global leaked
                    leaked = sub
                    return False
            class P(metaclass=M): pass
            class Q(abc.ABC): pass
            Q.register(P)
            isinstance(np.zeros(1), Q)
            leaked((1,), object, bytearray(8))
            """
        ),
        SANDBOX,
    ),
    # A str subclass as a name can answer == and hash one way to the guard and another to Python.
    (
        "lying-str-name",
        code(
            """
            n = [0]
            class S(str):
                def __hash__(self): return str.__hash__(self)
                def __eq__(self, other):
                    n[0] += 1
                    return n[0] > 3 and str.__eq__(self, other)
            def f(): pass
            getattr(f, S('__globals__'))
            """
        ),
        SANDBOX,
    ),
    (
        "lying-str-namespace-key",
        code(
            """
            import numpy as np
            n = [0]
            class S(str):
                def __hash__(self): return str.__hash__(self)
                def __eq__(self, other):
                    n[0] += 1
                    return n[0] > 3 and str.__eq__(self, other)
            X = type('X', (), {S('__array_interface__'): @INTERFACE@})
            np.asarray(X())
            """
        ),
        SANDBOX,
    ),
    (
        "lying-str-copy-state",
        code(
            """
            import copy, collections
            n = [0]
            class S(str):
                def __hash__(self): return str.__hash__(self)
                def __eq__(self, other):
                    n[0] += 1
                    return n[0] > 3 and str.__eq__(self, other)
            class A:
                def __reduce_ex__(self, p):
                    return (collections.Counter, (), {S('__array_interface__'): @INTERFACE@})
            copy.copy(A())
            """
        ),
        SANDBOX,
    ),
]

ALL_PAYLOADS = PAYLOADS + ISSUE_13 + INVENTED


def _with_marker(source: str, folder: Path) -> str:
    """The payload with MARKER replaced by a file in ``folder``, escaped for a '...' literal."""
    path = str(folder / "escape-marker").replace("\\", "\\\\").replace("'", "\\'")
    return source.replace(MARKER, path).replace("@INTERFACE@", INTERFACE)


@pytest.mark.parametrize("name,source,accepted", ALL_PAYLOADS, ids=[p[0] for p in ALL_PAYLOADS])
def test_payload_is_refused(
    name: str, source: str, accepted: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADVIZ_ESCAPE_CANARY", CANARY)
    session = Session(Limits(wall_time_s=60), snapshots=False)
    result = session.run_cell(0, _with_marker(source, tmp_path), 1)
    assert list(tmp_path.iterdir()) == [], "a payload wrote a file"
    assert result.error is not None, f"{name} ran: stdout={result.stdout!r} echo={result.echo!r}"
    assert result.error.type in accepted, result.error.headline
    assert result.error.message
    assert result.echo is None
    shown = result.stdout + result.error.message
    assert CANARY not in shown and "<module 'builtins'" not in shown, shown
    # The runner survives the attempt: the same session still runs ordinary code.
    after = session.run_cell(1, "print(6 * 7)", 1)
    assert after.error is None and after.stdout == "42\n"


def test_payload_families_are_full() -> None:
    assert len(PAYLOADS) >= 30 and len(ISSUE_13) >= 15 and len(INVENTED) >= 10
    names = [p[0] for p in ALL_PAYLOADS]
    assert len(names) == len(set(names))


def test_refusals_name_the_problem() -> None:
    session = Session(snapshots=False)
    message = session.run_cell(0, "import os", 1).error.message
    assert "without file, process or network access" in message and "`import os` is not available" in message
    assert "open() is not available" in session.run_cell(0, "open('x')", 1).error.message
    error = session.run_cell(0, "def f(): pass\nx = 1\nf.__globals__", 1).error
    assert error.line == 3 and "'__globals__'" in error.message and "internals" in error.message
    error = session.run_cell(0, "import numpy as np\nnp.ndarray((1,), object, bytearray(8))", 1).error
    assert "buffer=" in error.message and "raw memory" in error.message
    error = session.run_cell(0, "class A:\n    __array_interface__ = {}", 1).error
    assert error.line == 2 and "__array__" in error.message  # says what to do instead


# -- the raw-protocol shield: numpy never reads a learner object's interface ---------------------

SHIELDED = {
    "instance-dict": """
        class A: pass
        a = A()
        a.__dict__['__array_' + 'interface__'] = @INTERFACE@
    """,
    "getattr-answers-everything": """
        class A:
            def __getattr__(self, name):
                return @INTERFACE@
            def __array__(self, dtype=None, copy=None):
                return np.array([7])
        a = A()
    """,
    "getattribute": """
        class A:
            def __getattribute__(self, name):
                if 'array' in name and 'interface' in name:
                    return @INTERFACE@
                return object.__getattribute__(self, name)
        a = A()
    """,
    "subclass-vars-update": """
        class A: pass
        class B(A): pass
        a = B()
        vars(a).update({'__array_' + 'interface__': @INTERFACE@})
    """,
}


@pytest.mark.parametrize("setup", SHIELDED.values(), ids=list(SHIELDED))
def test_numpy_ignores_a_learner_objects_interface(setup: str, tmp_path: Path) -> None:
    """The interface a learner object offers is never read: numpy sees a plain object (or its
    ``__array__``), so ``np.asarray`` never reaches ``print``'s address."""
    source = (
        "import numpy as np\n" + code(setup) + "out = np.asarray(a)\nprint(out.dtype, out.shape, out.item() is print)"
    )
    result = Session(Limits(wall_time_s=60), snapshots=False).run_cell(0, _with_marker(source, tmp_path), 1)
    assert result.error is None, result.error
    assert result.stdout.endswith("False\n"), result.stdout


def test_learner_classes_keep_numpy_protocols_that_are_safe() -> None:
    source = code(
        """
        import numpy as np
        class Col:
            def __init__(self, xs): self.xs = xs
            def __array__(self, dtype=None, copy=None): return np.array(self.xs, dtype=dtype)
            def __len__(self): return len(self.xs)
            def __getitem__(self, i): return self.xs[i]
        print(np.asarray(Col([1, 2])), np.array([Col([3])]).tolist(), hasattr(Col([1]), '__array_interface__'))
        """
    )
    assert run_sandboxed(source) == run_plain(source)


# -- the time limit cannot be swallowed --------------------------------------------------------

SWALLOWERS = {
    "finally-continue": """
        while True:
            try:
                while True: pass
            finally:
                continue
    """,
    "finally-return": """
        def f():
            while True:
                try:
                    while True: pass
                finally:
                    return 1
        while True:
            f()
    """,
    "exit-true": """
        class S:
            def __enter__(self): return self
            def __exit__(self, *a): return True
        while True:
            with S():
                while True: pass
    """,
    "exit-assigned-later": """
        class S:
            def __enter__(self): return self
            def __exit__(self, *a): return False
        S.__exit__ = lambda self, *a: True
        while True:
            with S():
                while True: pass
    """,
    "suppress": """
        import contextlib
        while True:
            with contextlib.suppress(BaseException):
                while True: pass
    """,
    "exitstack": """
        import contextlib
        while True:
            with contextlib.ExitStack() as s:
                s.push(lambda *a: True)
                while True: pass
    """,
    "generator": """
        def g():
            while True:
                try:
                    yield
                except BaseException:
                    pass
        for _ in g():
            pass
    """,
    "sleep": """
        import time
        time.sleep(10**6)
    """,
}


# Once the cell has ended, Python closes the abandoned generator; its handler meets the expired
# deadline again, which Python reports as an unraisable exception (nothing runs on).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("source", SWALLOWERS.values(), ids=list(SWALLOWERS))
def test_time_limit_cannot_be_swallowed(source: str) -> None:
    result = Session(Limits(wall_time_s=0.5), snapshots=False).run_cell(0, code(source), 1)
    assert result.error is not None and "wall_time_s" in result.error.message, result.error


# -- what the allow-list used to refuse, now ordinary (and harmless) Python ------------------------

ONCE_REFUSED: dict[str, str] = {
    "nfkc-dunder": "print(().__\uff43lass__)",
    "format-attribute-walk": "print('{0.__class__.__bases__}'.format(1))",
    "format-index-walk": "print('{0[0]}'.format([print]))",
    "format-unbound": "print(str.format('{0.__class__}', 1))",
    "format-map": "print('{a}'.format_map({'a': 1}))",
    "fstring-dunder": "print(f'{().__class__}')",
    "yield-function": "def f():\n    yield 1\nprint(list(f()))",
    "module-dict-names": "import math\nprint('sqrt' in math.__dict__, math.__name__)",
    "type-three-args": "X = type('X', (object,), {'v': 1})\nprint(X, X.v)",
    "type-of-class": "print(type(int), type(type(int)))",
    "type-mro": "print(type(1).mro(), getattr(int, 'mro')())",
    "vars-of-int": "vars(1)",
    "dir-shows-dunders": "print([n for n in dir(1) if n.startswith('__')][:3])",
    "lambda-defaults": "f = lambda x=print: x\nprint(getattr(f, '__defaults__'))",
    "function-attribute": "def f(): pass\nf.x = 1\nprint(f.x, f.__name__, f.__qualname__)",
    "decorator-print": "@print\ndef f():\n    pass",
    "decorator-lambda": "@(lambda f: f)\ndef f():\n    return 3\nprint(f())",
    "class-decorator": "def d(c): return c\n@d\nclass A:\n    pass\nprint(A)",
    "metaclass-keyword": "class A(metaclass=type):\n    pass\nprint(type(A))",
    "subclass-type": "class A(type):\n    pass\nprint(A.__mro__)",
    "subclass-exception": "class E(Exception):\n    pass\ntry:\n    raise E('x')\nexcept E as e:\n    print(repr(e))",
    "class-getattr-dunder": "class A:\n    def __getattr__(self, n):\n        return n\nprint(A().anything)",
    "init-subclass": "class A:\n    def __init_subclass__(cls):\n        cls.seen = 1\nclass B(A): pass\nprint(B.seen)",
    "traceback-method": "try:\n    1/0\nexcept Exception as e:\n    print(e.with_traceback(None) is e)",
    "exception-traceback": "try:\n    1/0\nexcept Exception as e:\n    print(getattr(e, '__traceback__').tb_lineno)",
    "bound-method-self": "x = []\nprint(x.append.__self__ is x)",
    "setattr-builtin": "setattr(print, 'x', 1)",
    "print-to-file": "print('x', file=1)",
    "async-function": "async def f():\n    return 1\nc = f()\nc.close()\nprint(type(c).__name__)",
    "super-no-arguments": "super().__thisclass__",
    "walrus-dunder": "print((__x := 1))",
    "keyword-dunder": "print(dict(__class__=1))",
    "numpy-ufunc-method": "import numpy as np\nprint(np.add.reduce([1, 2, 3]))",
}


@pytest.mark.parametrize("source", ONCE_REFUSED.values(), ids=list(ONCE_REFUSED))
def test_once_refused_now_runs_as_in_python(source: str) -> None:
    assert run_sandboxed(source) == run_plain(source)


def test_the_namespace_builtins_are_the_one_difference() -> None:
    source = "print('__builtins__' in globals(), '__name__' in globals(), sorted(vars())[-1])"
    assert run_sandboxed(source) == ("False True __name__\n", None)
    assert run_plain(source) == ("True True __name__\n", None)


# -- proxies ---------------------------------------------------------------------------------


def test_module_proxies_expose_only_curated_names() -> None:
    from gradviz.runner.sandbox import stdlib
    from gradviz.runner.sandbox.proxy import ModuleProxy, proxy_exports
    from gradviz.runner.sandbox.safe_numpy import numpy_proxy

    numpy_exports = proxy_exports(numpy_proxy())
    assert not {"save", "load", "fromfile", "ctypeslib", "memmap", "core", "rec", "f2py"} & set(numpy_exports)
    for proxy in [numpy_proxy(), *(stdlib.stdlib_proxy(name) for name in sorted(stdlib.STDLIB_MODULES))]:
        exports = proxy_exports(proxy)
        assert not {"os", "sys", "_os", "_sys", "builtins"} & set(exports)
        for name, value in exports.items():
            assert not isinstance(value, types.ModuleType), f"a real module under {proxy!r}.{name}"
    assert isinstance(numpy_exports["random"], ModuleProxy) and isinstance(numpy_exports["lib"], ModuleProxy)
    assert "as_strided" not in proxy_exports(numpy_exports["lib"].stride_tricks)


def test_torch_proxy_never_exports_foreign_modules() -> None:
    from gradviz.runner.sandbox.modules import torch_proxy
    from gradviz.runner.sandbox.proxy import ModuleProxy, proxy_exports

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
        "print(f(), getattr(a, 'ndim'), getattr({}, 'nope', 'default'), np.ndarray((2,)).shape)\n"
        "b = np.zeros(4)\n"
        "b.resize(6)\n"
        "print(b.shape, memoryview(b'abc').cast('B').tolist(), np.frombuffer(b'ab', np.uint8))\n"
    )
    result = session.run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.stdout == (
        "4.0 (2, 2)    1|x <class 'int'> False\ncaught ('division by zero',)\n6 2 default (2,)\n"
        "(6,) [97, 98, 99] [97 98]\n"
    )


def test_no_payload_touched_the_file_system(tmp_path: Path) -> None:
    session = Session(snapshots=False)
    target = tmp_path / "out.txt"
    result = session.run_cell(0, f"open({str(target)!r}, 'w').write('x')", 1)
    assert result.error is not None and not target.exists()


def test_a_class_whose_sealing_failed_keeps_its_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any call can be made to fail (at the recursion limit, say), and a ``__set_name__`` hook sees
    the class before sealing ends. So the wrappers go into the namespace before the class exists:
    a half-sealed metaclass still checks the classes it makes, and a half-sealed class's
    ``__getattr__`` still never answers numpy's raw-memory protocol."""
    from gradviz.runner.sandbox import classes

    seal = classes.seal

    def fail_for_m_and_a(cls: type) -> type:
        if cls.__name__ in ("M", "A"):
            raise RuntimeError("sealing failed half way")
        return seal(cls)

    monkeypatch.setattr(classes, "seal", fail_for_m_and_a)
    source = code(
        """
        import numpy as np
        kept = []
        class Spy:
            def __set_name__(self, owner, name):
                kept.append(owner)
        for make in ('meta', 'plain'):
            try:
                if make == 'meta':
                    class M(type):
                        spy = Spy()
                else:
                    class A:
                        spy = Spy()
                        def __getattr__(self, name):
                            if 'interface' in name:
                                return @INTERFACE@
                            raise AttributeError(name)
            except RuntimeError:
                pass
        M, A = kept
        print(np.asarray(A()).item() is print)
        M('X', (), {'__array_' + 'interface__': @INTERFACE@})
        """
    )
    result = Session(Limits(wall_time_s=60), snapshots=False).run_cell(0, source.replace("@INTERFACE@", INTERFACE), 1)
    assert result.stdout == "False\n"
    assert result.error is not None and result.error.type == "SandboxError", result.error

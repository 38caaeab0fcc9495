"""Everyday Python runs in gradviz exactly as in Python.

Each program below runs twice: through the sandboxed Session, and through plain ``exec`` in a fresh
namespace (real builtins; ``import torch`` is gradviz's torch in both). What they print, and the
exception that ends them (if any), must be identical. The corpus covers what learners type: their
own classes with any dunder method (micrograd's ``Value`` among them), private and name-mangled
attributes, exceptions, generators, decorators, context managers, ``match``, ``super()``,
closures, f-strings, and the standard modules learners import.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import textwrap
from typing import Any

import pytest

import gradviz.torch as torch_twin
from gradviz.runner.capture import format_exception_line, normalize_addresses
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session

PROGRAMS: dict[str, str] = {}


def program(name: str, source: str) -> None:
    PROGRAMS[name] = textwrap.dedent(source).strip("\n") + "\n"


program(
    "micrograd-value",
    """
    import math

    class Value:
        \"\"\"stores a single scalar value and its gradient\"\"\"

        def __init__(self, data, _children=(), _op=''):
            self.data = data
            self.grad = 0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op

        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), '+')
            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), '*')
            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out

        def __pow__(self, other):
            assert isinstance(other, (int, float)), "only supporting int/float powers for now"
            out = Value(self.data**other, (self,), f'**{other}')
            def _backward():
                self.grad += (other * self.data**(other-1)) * out.grad
            out._backward = _backward
            return out

        def relu(self):
            out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')
            def _backward():
                self.grad += (out.data > 0) * out.grad
            out._backward = _backward
            return out

        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), 'tanh')
            def _backward():
                self.grad += (1 - t**2) * out.grad
            out._backward = _backward
            return out

        def backward(self):
            topo = []
            visited = set()
            def build_topo(v):
                if v not in visited:
                    visited.add(v)
                    for child in v._prev:
                        build_topo(child)
                    topo.append(v)
            build_topo(self)
            self.grad = 1
            for v in reversed(topo):
                v._backward()

        def __neg__(self): return self * -1
        def __radd__(self, other): return self + other
        def __sub__(self, other): return self + (-other)
        def __rsub__(self, other): return other + (-self)
        def __rmul__(self, other): return self * other
        def __truediv__(self, other): return self * other**-1
        def __rtruediv__(self, other): return other * self**-1
        def __repr__(self): return f"Value(data={self.data}, grad={self.grad})"

    # micrograd's test_sanity_check and test_more_ops, with the numbers PyTorch gives
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y
    print(ymg.data, xmg.grad)
    assert abs(ymg.data - -20.0) < 1e-6 and abs(xmg.grad - 46.0) < 1e-6

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    print(f"{g.data:.4f} {a.grad:.4f} {b.grad:.4f}")
    print(Value(3).tanh(), sorted(v._op for v in g._prev))
    """,
)

program(
    "micrograd-nn",
    """
    import random
    random.seed(1337)

    class Value:
        def __init__(self, data, _children=()):
            self.data, self.grad, self._prev = data, 0.0, set(_children)
            self._backward = lambda: None
        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other))
            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out
        __radd__ = __add__
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other))
            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out
        __rmul__ = __mul__
        def backward(self):
            order, seen = [], set()
            def visit(v):
                if v not in seen:
                    seen.add(v)
                    for c in v._prev:
                        visit(c)
                    order.append(v)
            visit(self)
            self.grad = 1.0
            for v in reversed(order):
                v._backward()

    class Module:
        def zero_grad(self):
            for p in self.parameters():
                p.grad = 0
        def parameters(self):
            return []

    class Neuron(Module):
        def __init__(self, nin):
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0)
        def __call__(self, x):
            return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        def parameters(self):
            return self.w + [self.b]
        def __repr__(self):
            return f"{self.__class__.__name__}({len(self.w)})"

    n = Neuron(3)
    out = n([1.0, -2.0, 3.0])
    out.backward()
    print(n, round(out.data, 6), [round(p.grad, 3) for p in n.parameters()])
    n.zero_grad()
    print([p.grad for p in n.parameters()])
    """,
)

program(
    "private-and-mangled",
    """
    class Account:
        _count = 0

        def __init__(self, owner):
            self.__balance = 0
            self._owner = owner
            Account._count += 1

        def deposit(self, amount):
            self.__balance += amount
            self._log = getattr(self, '_log', []) + [amount]
            return self

        @property
        def balance(self):
            return self.__balance

    class Savings(Account):
        def __init__(self, owner):
            super().__init__(owner)
            self.__balance = 'savings own'

    a = Savings('ann').deposit(5).deposit(7)
    print(a.balance, a._owner, a._log, Account._count, a._Account__balance, a._Savings__balance)
    print(sorted(k for k in vars(a)), hasattr(a, '__balance'), '_Account__balance' in a.__dict__)
    setattr(a, '_extra', 1)
    del a._extra
    print(hasattr(a, '_extra'))
    """,
)

program(
    "dunder-methods",
    """
    class Vec:
        def __init__(self, *xs): self.xs = list(xs)
        def __add__(self, o): return Vec(*[a + b for a, b in zip(self.xs, o.xs)])
        def __radd__(self, o): return self if o == 0 else self + o
        def __mul__(self, k): return Vec(*[a * k for a in self.xs])
        __rmul__ = __mul__
        def __eq__(self, o): return isinstance(o, Vec) and self.xs == o.xs
        def __hash__(self): return hash(tuple(self.xs))
        def __repr__(self): return f"Vec{tuple(self.xs)}"
        def __str__(self): return "<" + ", ".join(map(str, self.xs)) + ">"
        def __len__(self): return len(self.xs)
        def __getitem__(self, i): return self.xs[i]
        def __setitem__(self, i, v): self.xs[i] = v
        def __delitem__(self, i): del self.xs[i]
        def __iter__(self): return iter(self.xs)
        def __contains__(self, v): return v in self.xs
        def __call__(self, scale): return self * scale
        def __bool__(self): return any(self.xs)
        def __lt__(self, o): return sum(self.xs) < sum(o.xs)
        def __neg__(self): return self * -1
        def __abs__(self): return sum(abs(x) for x in self.xs)
        def __format__(self, spec): return "Vec[" + ",".join(format(x, spec) for x in self.xs) + "]"
        def __index__(self): return len(self.xs)
        def __getattr__(self, name):
            if name in ('x', 'y', 'z'):
                return self.xs['xyz'.index(name)]
            raise AttributeError(name)

    v = Vec(1, 2, 3)
    w = Vec(1, 2, 3)
    v[0] = 10
    print(v, repr(v), v == w, v != w, {w, Vec(1, 2, 3)}, len(v), v[1], list(v), 2 in v)
    print(sum([v, w]), 3 * w, v(2), bool(Vec(0, 0)), sorted([v, w]), -w, abs(w), f"{w:.1f}")
    print(v.y, [0, 1, 2, 3, 4][Vec(1, 1)], hasattr(v, 'q'), getattr(v, 'z'))
    del v[0]
    print(v)
    """,
)

program(
    "context-managers",
    """
    import contextlib

    class Timer:
        def __init__(self, name):
            self.name = name
        def __enter__(self):
            print('enter', self.name)
            return self
        def __exit__(self, exc_type, exc, tb):
            print('exit', self.name, exc_type.__name__ if exc_type else None)
            return exc_type is KeyError

    with Timer('a') as t, Timer('b'):
        print('inside', t.name)
    with Timer('c'):
        raise KeyError('swallowed')
    print('after')

    @contextlib.contextmanager
    def tag(name):
        print(f'<{name}>')
        try:
            yield name.upper()
        finally:
            print(f'</{name}>')

    with tag('p') as upper:
        print(upper)
    with contextlib.suppress(ZeroDivisionError):
        1 / 0
    with contextlib.ExitStack() as stack:
        for n in 'xy':
            stack.enter_context(tag(n))
    try:
        with Timer('d'):
            raise ValueError('kept')
    except ValueError as e:
        print('caught', e)
    """,
)

program(
    "exceptions",
    """
    class AppError(Exception):
        def __init__(self, code, message):
            super().__init__(message)
            self.code = code
        def __str__(self):
            return f"[{self.code}] {self.args[0]}"

    class NotFound(AppError, LookupError):
        pass

    def find(key):
        try:
            return {'a': 1}[key]
        except KeyError as exc:
            raise NotFound(404, f'no {key}') from exc

    try:
        find('b')
    except LookupError as e:
        print(type(e).__name__, e, e.code, type(e.__cause__).__name__, isinstance(e, AppError))
    try:
        try:
            1 / 0
        finally:
            print('finally runs')
    except ZeroDivisionError as e:
        print('then', e.args, e.__traceback__ is not None, e.__traceback__.tb_lineno > 0)
    try:
        raise ExceptionGroup('many', [ValueError(1), TypeError(2)])
    except* ValueError as group:
        print('value errors', group.exceptions)
    except* TypeError as group:
        print('type errors', group.exceptions)
    err = ValueError('x')
    err.add_note('a note')
    print(err.__notes__, err.with_traceback(None) is err)
    raise NotFound(500, 'the end')
    """,
)

program(
    "generators",
    """
    def count(n):
        i = 0
        while i < n:
            received = yield i
            if received is not None:
                i = received
            else:
                i += 1
        return 'done'

    def chain(*its):
        for it in its:
            result = yield from it
        return result

    g = count(5)
    print(next(g), next(g), g.send(3), list(g))
    print(list(chain(count(2), 'ab', count(1))))
    gen = (x * x for x in range(4))
    print(sum(gen), list(gen))

    def fib():
        a, b = 0, 1
        while True:
            yield a
            a, b = b, a + b

    import itertools
    print(list(itertools.islice(fib(), 10)))
    g2 = count(2)
    print(g2.gi_running, next(g2))
    g2.close()
    try:
        next(g2)
    except StopIteration:
        print('closed')
    def inner():
        x = yield 1
        return x * 2
    def outer():
        r = yield from inner()
        yield r
    o = outer()
    print(next(o), o.send(21))
    """,
)

program(
    "decorators-closures",
    """
    import functools

    def memo(func):
        cache = {}
        @functools.wraps(func)
        def wrapper(*args):
            if args not in cache:
                cache[args] = func(*args)
            wrapper.calls += 1
            return cache[args]
        wrapper.calls = 0
        return wrapper

    @memo
    def fib(n):
        '''Fibonacci'''
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    print(fib(30), fib.calls, fib.__name__, fib.__doc__, fib.__wrapped__.__name__)

    def repeat(times):
        def deco(func):
            def run(*a, **k):
                return [func(*a, **k) for _ in range(times)]
            return run
        return deco

    @repeat(3)
    def hi(name='you'):
        return f'hi {name}'
    print(hi(name='me'))

    def counter():
        n = 0
        def step():
            nonlocal n
            n += 1
            return n
        return step
    c = counter()
    print(c(), c(), 'closure ok')

    total = 0
    def add(v):
        global total
        total += v
    add(3); add(4)
    print(total)

    @functools.lru_cache(maxsize=None)
    def sq(x):
        return x * x
    print([sq(i) for i in (2, 2, 3)], sq.cache_info().hits)

    class Registry:
        items = []
        @classmethod
        def register(cls, f):
            cls.items.append(f.__name__)
            return f
        @staticmethod
        def size():
            return len(Registry.items)

    @Registry.register
    def task(): pass
    print(Registry.items, Registry.size())

    def class_deco(cls):
        cls.tagged = True
        return cls
    @class_deco
    class T: pass
    print(T.tagged, functools.reduce(lambda a, b: a * b, range(1, 6)), functools.partial(pow, 2)(10))
    """,
)

program(
    "match-statement",
    """
    from dataclasses import dataclass

    @dataclass
    class Point:
        x: int
        y: int

    class Shape:
        __match_args__ = ('kind', 'size')
        def __init__(self, kind, size):
            self.kind, self.size = kind, size

    def describe(obj):
        match obj:
            case 0 | 1:
                return 'bit'
            case [x, y, *rest]:
                return f'list {x} {y} +{len(rest)}'
            case {'op': 'add', 'args': [a, b]}:
                return f'add {a + b}'
            case Point(x=0, y=yy):
                return f'on the y axis at {yy}'
            case Point(x, y) if x == y:
                return 'diagonal'
            case Shape('square', size=s):
                return f'square {s}'
            case str() as text:
                return f'text {text!r}'
            case _:
                return 'other'

    for thing in [1, [1, 2, 3, 4], {'op': 'add', 'args': [2, 3]}, Point(0, 5), Point(2, 2),
                  Shape('square', 3), 'hey', 3.5]:
        print(describe(thing))
    """,
)

program(
    "match-in-every-scope",
    """
    from dataclasses import dataclass

    @dataclass
    class P:
        x: int
        y: int

    class Holder:
        match P(1, 2):
            case P(x=a, y=b) if a < b:
                pair = (a, b)

    print(Holder.pair)

    def outer():
        got = None
        def inner(v):
            nonlocal got
            match v:
                case P(got, _):
                    return got
        return inner(P(7, 8)), got

    print(outer())
    match [P(1, 1), P(2, 3)]:
        case [P(x=1) as first, P(y=y)] if y > 2:
            print(first, y)
    """,
)

program(
    "super-and-inheritance",
    """
    class Base:
        def __init__(self, name):
            self.name = name
        def hello(self):
            return f'{type(self).__name__}:{self.name}'
        def __init_subclass__(cls, tag=None, **kw):
            super().__init_subclass__(**kw)
            cls.tag = tag

    class Mid(Base, tag='mid'):
        def hello(self):
            return 'mid/' + super().hello()

    class Leaf(Mid, tag='leaf'):
        def __init__(self, name, extra):
            super().__init__(name)
            self.extra = extra
        def hello(self):
            return 'leaf/' + super(Leaf, self).hello()

    x = Leaf('z', 1)
    print(x.hello(), Leaf.tag, Mid.tag, [c.__name__ for c in Leaf.__mro__], Leaf.__bases__[0].__name__)
    print(isinstance(x, Base), issubclass(Leaf, Mid), x.__class__.__name__, type(x).__qualname__)
    print(Base.__init__ is Mid.__init__, Leaf.mro()[1] is Mid)

    class Meta(type):
        registry = []
        def __new__(mcs, name, bases, ns):
            cls = super().__new__(mcs, name, bases, ns)
            mcs.registry.append(name)
            return cls
        def __call__(cls, *a, **k):
            obj = super().__call__(*a, **k)
            obj.made_by_meta = True
            return obj
    class Plugin(metaclass=Meta):
        pass
    class Other(Plugin):
        pass
    print(Meta.registry, Other().made_by_meta, type(Plugin).__name__, isinstance(Plugin, type))
    Dyn = type('Dyn', (Plugin,), {'v': 3})
    print(Dyn.v, Dyn.__name__, Meta.registry, type(Dyn) is Meta)
    """,
)

program(
    "class-hooks-python-calls",
    """
    import abc
    import numpy as np

    class HasLen(abc.ABC):
        @classmethod
        def __subclasshook__(cls, C):
            if any('__len__' in B.__dict__ for B in C.__mro__):
                return True
            return NotImplemented

    print(isinstance([], HasLen), isinstance(1, HasLen), issubclass(dict, HasLen), isinstance(np.zeros(2), HasLen))

    class Tagged(type):
        @classmethod
        def __prepare__(mcs, name, bases):
            return {'order': []}
        def __new__(mcs, name, bases, ns):
            ns['tag'] = [b.__name__ for b in bases]
            return super().__new__(mcs, name, bases, ns)
        def __init__(cls, name, bases, ns):
            super().__init__(name, bases, ns)
            cls.count = len(bases)

    class Base(metaclass=Tagged):
        pass

    class Leaf(Base, dict):
        pass

    print(Leaf.tag, Leaf.count, Leaf.order, issubclass(Leaf, dict), type(Leaf).__name__)

    class Quacks(type):
        def __instancecheck__(cls, obj):
            return hasattr(obj, 'quack')
        def __subclasscheck__(cls, sub):
            return hasattr(sub, 'quack')

    class Duck(metaclass=Quacks):
        pass

    class D:
        quack = 1

    print(isinstance(D(), Duck), isinstance(1, Duck), issubclass(D, Duck), issubclass(int, Duck))
    print(sorted(k for k in vars(list) if k.startswith('app')), 'format' in str.__dict__, type(int.__dict__).__name__)

    class Logged(np.ndarray):
        def __array_function__(self, func, types, args, kwargs):
            print('via', func.__name__, [t.__name__ for t in types])
            return super().__array_function__(func, types, args, kwargs)

    print(np.concatenate([np.zeros(1).view(Logged), np.ones(1)]).tolist())
    """,
)

program(
    "abc-enum-dataclass-typing",
    """
    from __future__ import annotations
    import abc
    import enum
    from dataclasses import dataclass, field, asdict, replace
    from typing import NamedTuple, Optional, Protocol, TypeVar, Generic

    class Shape(abc.ABC):
        @abc.abstractmethod
        def area(self) -> float: ...

    class Sq(Shape):
        def __init__(self, s: float) -> None:
            self.s = s
        def area(self) -> float:
            return self.s ** 2

    try:
        Shape()
    except TypeError as e:
        print('abstract:', 'abstract' in str(e))
    print(Sq(3).area(), isinstance(Sq(1), Shape))

    class Color(enum.Enum):
        RED = 1
        GREEN = enum.auto()
    Size = enum.IntEnum('Size', 'S M L')
    print(Color.RED, Color(2), list(Color), Color.GREEN.value, Color['RED'].name, Size.M + 1, Size.L)

    @dataclass(order=True)
    class Item:
        name: str
        price: float = 0.0
        tags: list[str] = field(default_factory=list)
    a, b = Item('a', 2.0), Item('b', 1.0)
    print(a, sorted([a, b])[0].name, asdict(b), replace(a, price=5.0), a == Item('a', 2.0))

    class Pair(NamedTuple):
        left: int
        right: Optional[int] = None
    p = Pair(1)
    print(p, p._asdict(), p._replace(right=2), Pair._fields, p.__annotations__)

    T = TypeVar('T')
    class Box(Generic[T]):
        def __init__(self, item: T) -> None:
            self.item = item
    print(Box[int](3).item, Sq.area.__annotations__)
    """,
)

program(
    "stdlib-modules",
    """
    import collections, copy, functools, itertools, math, operator, random, re, statistics, string, time
    import heapq, bisect, fractions, decimal, json, textwrap, numbers, keyword, cmath, datetime, pprint
    from collections import Counter, defaultdict, deque, OrderedDict, namedtuple

    random.seed(7)
    print(random.random(), random.randint(1, 6), random.choice('abc'), random.sample(range(10), 3))
    r = random.Random(3); print(r.gauss(0, 1))
    print(math.factorial(10), math.isclose(math.pi, 3.14159, rel_tol=1e-5), math.prod([1, 2, 3]))
    print(list(itertools.accumulate([1, 2, 3])), list(itertools.product('ab', repeat=2))[:3])
    words = Counter('mississippi'); print(words.most_common(2))
    d = defaultdict(list); d['k'].append(1); print(dict(d))
    q = deque([1, 2], maxlen=3); q.appendleft(0); q.append(9); print(q)
    Pt = namedtuple('Pt', 'x y'); pt = Pt(1, 2); print(pt, pt._asdict(), pt._replace(x=5))
    nested = {'a': [1, {'b': 2}]}
    deep = copy.deepcopy(nested); deep['a'][1]['b'] = 3; print(nested, copy.copy([1, 2]))
    print(operator.itemgetter(1)([1, 2]), operator.attrgetter('real')(3 + 4j), operator.methodcaller('upper')('x'))
    print(re.findall(r'\\d+', 'a1b22c333'), re.sub(r'(\\w)(\\d)', r'\\2\\1', 'a1 b2'))
    print(statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]), statistics.pstdev([1, 1, 1]))
    print(string.ascii_lowercase[:5], string.Template('$who likes $what').substitute(who='tim', what='pie'))
    print(string.capwords('hello world'), '{0[0]} {1.real}'.format([7], 2.5))
    t0 = time.perf_counter(); time.sleep(0.001); print(time.perf_counter() > t0, type(time.time()).__name__)
    h = [5, 1, 3]; heapq.heapify(h); print(heapq.heappop(h), bisect.bisect([1, 3, 5], 4))
    print(fractions.Fraction(1, 3) + fractions.Fraction(1, 6), decimal.Decimal('0.1') + decimal.Decimal('0.2'))
    print(json.dumps({'a': [1, 2]}, sort_keys=True), json.loads('{"x": 1}'), textwrap.shorten('a b c d e', 5))
    print(isinstance(3, numbers.Integral), keyword.iskeyword('for'), cmath.sqrt(-1), datetime.date(2024, 1, 2))
    pprint.pprint({'b': 1, 'a': [1, 2]})
    print(functools.reduce(operator.add, [1, 2, 3]), OrderedDict(a=1))
    """,
)

program(
    "warnings-and-format",
    """
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        warnings.warn('careful', UserWarning)
        warnings.warn('old', DeprecationWarning)
    print([(w.category.__name__, str(w.message)) for w in caught])
    pi = 3.14159265
    name = 'autograd'
    print(f'{pi:.3f}|{pi:10.2e}|{42:>6}|{42:<6}|{42:^7}|{255:#x}|{1234567:,}|{0.25:.0%}|{name!r:>12}|{name=}')
    print('%5.2f %s %r %d%%' % (pi, name, name, 50), '{:>{w}}'.format('x', w=4), format(3, '08b'))
    width = 6
    print(f'{"nested":>{width}}', f'{pi:{width}.{2}f}', str.format('{}-{}', 1, 2), '{a}'.format_map({'a': 1}))
    """,
)

program(
    "globals-locals-dir-vars",
    """
    x = 1
    def f(a, b=2):
        c = a + b
        return sorted(locals()), sorted(dir())
    print(f(1))
    print('x' in globals(), globals()['x'], globals().get('nope'))
    globals()['y'] = 5
    print(y)
    class K:
        attr = 1
        def m(self): pass
    k = K()
    k.z = 2
    print(vars(k), sorted(n for n in vars(K) if not n.startswith('__')), [n for n in dir(k) if not n.startswith('_')])
    print(type(globals()).__name__, callable(getattr), getattr(k, 'missing', 'default'))
    """,
)

program(
    "builtins-show-as-python",
    """
    print(print, len, type, object, isinstance, getattr, super, memoryview, repr(int), str)
    print(type(print), type(len), type(type), type(int), type(3), type(None))
    print(print.__name__, getattr.__name__, type.__name__, type(getattr).__name__)
    import math
    print(math.sqrt, type(math).__name__, math.__name__)
    """,
)

program(
    "numpy-everyday",
    """
    import numpy as np
    rng = np.random.default_rng(42)
    a = rng.normal(size=(2, 3))
    print(isinstance(a, np.ndarray), type(a) is np.ndarray, type(a).__name__, a.shape, a.dtype)
    xs, ys = np.meshgrid(np.linspace(0, 1, 3), np.arange(2))
    print(xs, ys, sep='\\n')
    print(np.einsum('ij,ij->i', xs, ys), np.clip(np.array([-1, 5]), 0, 3), np.where(xs > 0.4, 1, 0))
    b = np.arange(12).reshape(3, 4)
    print(b[1:, ::2], b.T.shape, b.sum(axis=0), np.cumsum(b[0]), b.mean(), np.argmax(b, axis=1))
    print(np.concatenate([b[0], b[1]]), np.stack([b[0], b[0]]).shape, np.linalg.norm([3, 4]))
    c = np.zeros(3); c[1] = 7; c += 1
    print(c, c.astype(int), c.tolist(), np.array_equal(c, [1, 8, 1]), np.ndarray.__name__)
    print(np.random.RandomState(0).rand(2).round(4), np.float32(1.5) * 2, np.isnan(np.nan))
    r = np.frombuffer(bytes(range(8)), dtype=np.uint8)
    print(r, np.fft.fft([1, 0, 0, 0]).real, np.polynomial.Polynomial([1, 2])(3))
    class Scaled(np.ndarray):
        def __new__(cls, data, scale=1):
            obj = np.asarray(data).view(cls)
            obj.scale = scale
            return obj
        def __array_finalize__(self, obj):
            self.scale = getattr(obj, 'scale', 1)
    s = Scaled([1, 2], scale=3)
    print(type(s).__name__, s.scale, (s * 2).scale, isinstance(s, np.ndarray), issubclass(Scaled, np.ndarray))
    print(np.lib.stride_tricks.sliding_window_view(np.arange(5), 3))
    """,
)

program(
    "torch-module-init",
    """
    import torch
    import torch.nn as nn

    class TwoLayer(nn.Module):
        def __init__(self):
            nn.Module.__init__(self)
            self.fc1 = nn.Linear(2, 3)
            self._hidden = 3
            self.__secret = 'kept'
        def forward(self, x):
            return self.fc1(x).relu().sum()
        def secret(self):
            return self.__secret

    torch.manual_seed(0)
    m = TwoLayer()
    out = m(torch.ones(1, 2))
    out.backward()
    print(type(m).__name__, m.__class__.__name__, m._hidden, m.secret(), m.fc1.weight.grad.shape)
    print(sorted(name for name, _ in m.named_parameters()), isinstance(m, nn.Module))

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x
        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad
    x = torch.tensor([3.0], requires_grad=True)
    Square.apply(x).sum().backward()
    print(x.grad, type(Square).__name__ != '', Square.__name__)
    """,
)

program(
    "lambdas-comprehensions-unpacking",
    """
    pairs = [(1, 'b'), (2, 'a'), (3, 'c')]
    print(sorted(pairs, key=lambda p: p[1]), list(map(lambda p: p[0] ** 2, pairs)))
    first, *middle, last = range(6)
    print(first, middle, last, {**{'a': 1}, 'b': 2}, [*'ab', *range(2)])
    print({k: v for k, v in zip('abc', range(3)) if v}, {x % 3 for x in range(10)})
    matrix = [[i * j for j in range(3)] for i in range(3)]
    print(matrix, [cell for row in matrix for cell in row if cell])
    print((n := 10) * 2, n, any(x > 5 for x in range(7)), all([]), divmod(17, 5), round(2.675, 2))
    swap = lambda a, b: (b, a)
    print(swap(*pairs[0]), (lambda *a, **k: (a, k))(1, x=2))
    print(sorted({'b': 2, 'a': 1}.items()), list(enumerate('xy', start=1)), list(reversed([1, 2])))
    s = slice(1, None, 2); print([0, 1, 2, 3][s], s.start, isinstance(s, slice))
    print(int('ff', 16), hex(255), bin(5), oct(8), chr(65), ord('A'), abs(-2), 7 // 2, -7 % 3)
    print(bytes([104, 105]).decode(), bytearray(b'ab'), memoryview(b'abc')[1:].tobytes())
    """,
)

program(
    "coroutines-and-iterators",
    """
    class Countdown:
        def __init__(self, n): self.n = n
        def __iter__(self): return self
        def __next__(self):
            if self.n <= 0:
                raise StopIteration
            self.n -= 1
            return self.n + 1

    print(list(Countdown(3)), iter([1]).__next__())

    async def double(x):
        return x * 2
    async def main():
        values = [await double(i) for i in range(3)]
        return values
    coro = main()
    try:
        coro.send(None)
    except StopIteration as done:
        print('result', done.value)

    class Seq:
        def __getitem__(self, i):
            if i >= 3:
                raise IndexError
            return i * 10
    print(list(Seq()), 20 in Seq())
    """,
)

program(
    "error-ends-program",
    """
    def divide(a, b):
        return a / b
    print('before')
    divide(1, 0)
    print('never')
    """,
)

program(
    "error-attribute",
    """
    class A:
        __slots__ = ('x',)
    a = A()
    a.x = 1
    print(a.x)
    a.y = 2
    """,
)


# -- the two runners -----------------------------------------------------------------------------


def _plain_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    """``import torch`` is gradviz's torch here too (the comparison is about the runner)."""
    if name == "torch" or name.startswith("torch."):
        module = importlib.import_module("gradviz." + name)
        if fromlist:
            return module
        return torch_twin
    return builtins.__import__(name, globals, locals, fromlist, level)


def run_plain(source: str) -> tuple[str, str | None]:
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__builtins__": {**vars(builtins), "__import__": _plain_import},
    }
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, "<cell 0>", "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - the program's own ending, compared with the sandbox's
            error = format_exception_line(exc)
    return normalize_addresses(out.getvalue()), error


def run_sandboxed(source: str) -> tuple[str, str | None]:
    result = Session(Limits(wall_time_s=60), snapshots=False).run_cell(0, source, 1)
    return normalize_addresses(result.stdout), None if result.error is None else result.error.headline


@pytest.fixture(autouse=True)
def _fresh_engine() -> None:
    torch_twin.set_grad_enabled(True)
    torch_twin.manual_seed(0)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_runs_as_in_python(name: str) -> None:
    source = PROGRAMS[name]
    torch_twin.manual_seed(0)
    plain = run_plain(source)
    torch_twin.manual_seed(0)
    sandboxed = run_sandboxed(source)
    assert sandboxed == plain
    assert plain[0], "every program prints something"


def test_programs_that_should_fail_do_fail_in_both() -> None:
    assert run_plain(PROGRAMS["error-ends-program"])[1] == "ZeroDivisionError: division by zero"
    assert run_plain(PROGRAMS["error-attribute"])[1] == "AttributeError: 'A' object has no attribute 'y'"
    assert run_plain(PROGRAMS["exceptions"])[1] == "NotFound: [500] the end"


def test_no_program_names_the_runner() -> None:
    """The corpus is learner code: it names no gradviz internals (a guard against a test that
    passes only because it reached around the sandbox)."""
    for source in PROGRAMS.values():
        assert "gradviz" not in source and "__builtins__" not in source

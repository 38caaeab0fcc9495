# Learner-style script in the manner of micrograd: a scalar autograd class written in plain Python
# (operator overloading, closures for the local backward, a recursive topological sort), a tiny
# neuron/layer/MLP on Python's random, then the same expressions in torch with .double() and
# `requires_grad = True`, compared the way micrograd's tests compare (== and a tolerance).
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: E402

# %%
import math
import random


class Num:
    def __init__(self, val, parents=(), op=""):
        self.val = val
        self.grad = 0.0
        self._back = lambda: None
        self._parents = tuple(parents)
        self._op = op

    def __add__(self, other):
        other = other if isinstance(other, Num) else Num(other)
        out = Num(self.val + other.val, (self, other), "+")

        def _back():
            self.grad += out.grad
            other.grad += out.grad

        out._back = _back
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Num) else Num(other)
        out = Num(self.val * other.val, (self, other), "*")

        def _back():
            self.grad += other.val * out.grad
            other.grad += self.val * out.grad

        out._back = _back
        return out

    def __pow__(self, k):
        assert isinstance(k, (int, float))
        out = Num(self.val**k, (self,), f"**{k}")

        def _back():
            self.grad += k * self.val ** (k - 1) * out.grad

        out._back = _back
        return out

    def relu(self):
        out = Num(self.val if self.val > 0 else 0.0, (self,), "relu")

        def _back():
            self.grad += (out.val > 0) * out.grad

        out._back = _back
        return out

    def tanh(self):
        th = math.tanh(self.val)
        out = Num(th, (self,), "tanh")

        def _back():
            self.grad += (1 - th**2) * out.grad

        out._back = _back
        return out

    def backward(self):
        order, seen = [], set()

        def visit(n):
            if n not in seen:
                seen.add(n)
                for p in n._parents:
                    visit(p)
                order.append(n)

        visit(self)
        self.grad = 1.0
        for n in reversed(order):
            n._back()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def __repr__(self):
        return f"Num(val={self.val}, grad={self.grad})"


# %%
p = Num(-3.0)
r = 3 * p + 1 + p
s = r.relu() + r * p
t = (r * r).relu()
out = t + s + s * p
out.backward()
print(p, out)

# %%
import torch

pt = torch.Tensor([-3.0]).double()
pt.requires_grad = True
r = 3 * pt + 1 + pt
s = r.relu() + r * pt
t = (r * r).relu()
out_t = t + s + s * pt
out_t.backward()
print(out_t.data.item(), pt.grad.item())
print(out.val == out_t.data.item(), p.grad == pt.grad.item())

# %%
a, b = Num(-2.0), Num(3.0)
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

at = torch.Tensor([-2.0]).double()
bt = torch.Tensor([3.0]).double()
at.requires_grad = True
bt.requires_grad = True
ct = at + bt
dt = at * bt + bt**3
ct = ct + ct + 1
ct = ct + 1 + ct + (-at)
dt = dt + dt * 2 + (bt + at).relu()
dt = dt + 3 * dt + (bt - at).relu()
et = ct - dt
ft = et**2
gt = ft / 2.0
gt = gt + 10.0 / ft
gt.backward()
tol = 1e-6
print(abs(g.val - gt.data.item()) < tol, abs(a.grad - at.grad.item()) < tol, abs(b.grad - bt.grad.item()) < tol)
print(f"{g.val:.6f} {a.grad:.6f} {b.grad:.6f}")
print(gt.grad_fn, at.dtype)

# %%
for x0 in (-1.0, 0.25, 1.5):
    xn = Num(x0)
    yn = xn.tanh()
    yn.backward()
    xt = torch.Tensor([x0]).double()
    xt.requires_grad = True
    yt = torch.Tensor.tanh(xt)
    yt.backward()
    print(x0, abs(yn.val - yt.data.item()) < tol, abs(xn.grad - xt.grad.item()) < tol)


# %%
class Unit:
    def __init__(self, n_in, linear=False):
        self.w = [Num(random.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Num(0.0)
        self.linear = linear

    def __call__(self, xs):
        act = sum((wi * xi for wi, xi in zip(self.w, xs)), self.b)
        return act if self.linear else act.relu()

    def parameters(self):
        return [*self.w, self.b]


class Net:
    def __init__(self, sizes):
        self.layers = [
            [Unit(sizes[i], linear=(i == len(sizes) - 2)) for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)
        ]

    def __call__(self, xs):
        for layer in self.layers:
            xs = [u(xs) for u in layer]
        return xs[0] if len(xs) == 1 else xs

    def parameters(self):
        return [p for layer in self.layers for u in layer for p in u.parameters()]


random.seed(1337)
model = Net([2, 4, 1])
print(len(model.parameters()))
points = [([1.0, -1.0], 1.0), ([-0.5, 2.0], -1.0), ([2.0, 0.5], 1.0), ([-1.5, -1.0], -1.0)]
for k in range(15):
    margins = [(1 + -y * model(x)).relu() for x, y in points]
    loss = sum(margins) * (1.0 / len(margins)) + 1e-4 * sum(q * q for q in model.parameters())
    for q in model.parameters():
        q.grad = 0.0
    loss.backward()
    lr = 1.0 - 0.9 * k / 15
    for q in model.parameters():
        q.val -= lr * q.grad
    if k % 5 == 0:
        print(k, round(loss.val, 6))
print([round(model(x).val, 4) for x, _ in points])

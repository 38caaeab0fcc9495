# create_graph=True: the backward pass is recorded with the nodes PyTorch's derivative formulas
# make (MulBackward1 for a multiply by a number inside a formula, SumBackward1 + ViewBackward0 for a
# broadcast grad summed back, TBackward0 around mm for a transposed operand, ...).
# %% the nodes of each first derivative, depth first
import torch


def walk(t):
    seen, out, stack = set(), [], [t.grad_fn]
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        out.append(type(f).__name__)
        stack.extend(g for g, _ in f.next_functions)
    return " ".join(out)


x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
w = torch.tensor([[1.0, 2.0, 3.0], [0.5, -0.5, 1.0]], requires_grad=True)
b = torch.ones(2, 2, 3, requires_grad=True)
s = torch.ones(1, 3, 1, requires_grad=True)
cases = {
    "rdiv": lambda: (2 / x).sum(),
    "sq": lambda: (x * x).sum(),
    "pow2": lambda: (x**2).sum(),
    "pow3": lambda: x.pow(3).sum(),
    "powt": lambda: (x ** torch.tensor(2.0)).sum(),
    "exp": lambda: x.exp().sum(),
    "log": lambda: (x * x).log().sum(),
    "cos": lambda: x.cos().sum(),
    "tanh": lambda: x.tanh().sum(),
    "sqrt": lambda: (x * x).sqrt().sum(),
    "abs": lambda: x.abs().sum(),
    "mean": lambda: (x * x).mean(),
    "summul": lambda: (x.sum() * x.sum()),
    "mv": lambda: (w @ x).pow(2).sum(),
    "matmul11": lambda: (x @ x),
    "norm": lambda: x.norm(),
    "recip": lambda: x.reciprocal().sum(),
    "clamp": lambda: x.clamp(-0.8, 1.0).pow(2).sum(),
    "expand": lambda: (x.unsqueeze(0).expand(2, 3) * w).pow(2).sum(),
    "broadcast": lambda: (x * w).pow(2).sum(),
    "broadcast3": lambda: (x * b).pow(2).sum(),
    "index": lambda: (x[1:] * x[:2]).sum(),
    "var": lambda: x.var(),
    "std": lambda: x.std(),
    "where": lambda: torch.where(x > 0, x, x * 3).pow(2).sum(),
}
for name, f in cases.items():
    (g,) = torch.autograd.grad(f(), x, create_graph=True)
    print(name, "|", walk(g) if g.grad_fn is not None else None)

# %% mm with a transposed operand, squeeze/unsqueeze and views, sum_to_size
(g,) = torch.autograd.grad((w @ w.t()).pow(2).sum(), w, create_graph=True)
print(walk(g))
(g,) = torch.autograd.grad((w.t() @ w).pow(2).sum(), w, create_graph=True)
print(walk(g))
c = torch.ones(2, 1, requires_grad=True)
for loss, leaf in (
    ((c * b).pow(2).sum(), c),
    ((s.squeeze() * x).pow(2).sum(), s),
    ((s.squeeze(0) * 2).pow(2).sum(), s),
    ((s.view(3) * x).pow(2).sum(), s),
):
    (g,) = torch.autograd.grad(loss, leaf, create_graph=True)
    print(walk(g))
y = torch.ones(2, 3, requires_grad=True)
print(y.sum_to_size(1, 3).grad_fn, y.sum_to_size(3).grad_fn, y.sum_to_size(3).grad_fn.next_functions, y.sum_to_size(2, 3).grad_fn)
for size in ((4,), (2, 1, 3)):
    try:
        y.sum_to_size(*size)
    except RuntimeError as e:
        print(e)

# %% the numbers agree too
(g,) = torch.autograd.grad((x**3).sum() + x.std() + (x * w).pow(2).sum(), x, create_graph=True)
(h,) = torch.autograd.grad(g.sum(), x)
print(g, h)

# create_graph=True: the backward pass is itself recorded, with PyTorch's node names.
import torch

# %% first derivatives carry a grad_fn; second derivatives follow it
x = torch.tensor([0.5, -1.0], requires_grad=True)
for name in ("tanh", "sigmoid", "relu", "exp", "sin"):
    y = getattr(x, name)()
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    saved = sorted(a for a in dir(g.grad_fn) if a.startswith("_saved"))
    print(name, g.grad_fn.name(), [type(f).__name__ if f is not None else None for f, _ in g.grad_fn.next_functions], saved)
    (g2,) = torch.autograd.grad(g.sum(), x)
    print("   ", g2)

# %% backward(create_graph=True) leaves a differentiable x.grad
w = torch.tensor([1.5, 2.0], requires_grad=True)
(w.tanh() * 3).sum().backward(create_graph=True)
print(w.grad, w.grad.grad_fn.name())

# grad_fn.register_hook / register_prehook and their order relative to tensor hooks.
# %% imports
import torch
# %% a node hook sees (grad_inputs, grad_outputs)
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
def node_hook(grad_inputs, grad_outputs):
    print("node hook in:", grad_inputs)
    print("node hook out:", grad_outputs)
h = y.grad_fn.register_hook(node_hook)
y.sum().backward()
print(x.grad)
# %% a prehook sees grad_outputs before the node runs and may replace them
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
def prehook(grad_outputs):
    print("prehook:", grad_outputs)
    return (grad_outputs[0] * 2,)
y.grad_fn.register_prehook(prehook)
y.sum().backward()
print(x.grad)
# %% a node hook may replace the grads the node sends on
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
y = x * w
y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0, gi[1]))
y.sum().backward()
print(x.grad, w.grad)
# %% an input that does not require grad shows up as None
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * torch.tensor([5.0, 6.0])
y.grad_fn.register_hook(lambda gi, go: print("grad_inputs", gi))
y.sum().backward()
# %% order: tensor hook on the output, prehook, node hook
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.register_hook(lambda g: print("tensor hook on y"))
y.grad_fn.register_prehook(lambda go: print("prehook on y.grad_fn"))
y.grad_fn.register_hook(lambda gi, go: print("hook on y.grad_fn"))
x.register_hook(lambda g: print("tensor hook on x"))
y.sum().backward()
# %% the order does not depend on the order of registration
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.grad_fn.register_hook(lambda gi, go: print("hook on y.grad_fn"))
y.grad_fn.register_prehook(lambda go: print("prehook on y.grad_fn"))
y.register_hook(lambda g: print("tensor hook on y"))
y.sum().backward()
# %% several node hooks run in registration order
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
for name in ("a", "b", "c"):
    y.grad_fn.register_hook(lambda gi, go, name=name: print("hook", name))
y.sum().backward()
# %% handles remove node hooks too
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
h1 = y.grad_fn.register_hook(lambda gi, go: print("hook stays"))
h2 = y.grad_fn.register_hook(lambda gi, go: print("hook removed"))
h3 = y.grad_fn.register_prehook(lambda go: print("prehook removed"))
h2.remove()
h3.remove()
y.sum().backward()
# %% hooks on AccumulateGrad nodes
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
acc = y.grad_fn.next_functions[0][0]
acc.register_prehook(lambda go: print("acc prehook", go))
acc.register_hook(lambda gi, go: print("acc hook", gi, go))
x.register_hook(lambda g: print("x tensor hook", g))
y.sum().backward()
print(x.grad)
# %% node hooks along a chain run in backward order
x = torch.tensor(2.0, requires_grad=True)
a = x * 2
b = a.exp()
c = b.sum()
for t in (a, b, c):
    t.grad_fn.register_hook(lambda gi, go, n=t.grad_fn.name(): print("done", n))
c.backward()

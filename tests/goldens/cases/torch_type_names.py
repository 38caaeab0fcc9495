# What type() and repr() show: PyTorch's classes, never gradviz's.
# %% tensors, parameters, dtypes, sizes, devices, generators
import torch

x = torch.ones(2, requires_grad=True)
lin = torch.nn.Linear(2, 2)
print(type(x), type(x.data), type(x.detach()), type(x * 1), type(lin.weight), type(lin.weight * 1))
print(type(torch.float32), type(x.shape))
print(torch.Tensor, torch.nn.Parameter, torch.dtype, torch.Size, torch.Generator)
print(type(torch.manual_seed(0)).__name__, type(torch.Generator()), torch.Tensor.__name__, torch.Size.__qualname__)
print(isinstance(lin.weight, torch.Tensor), isinstance(lin.weight, torch.nn.Parameter), issubclass(torch.nn.Parameter, torch.Tensor))

# %% modules, optimizers, data classes
seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
print(type(seq), type(seq[0]), type(seq[1]), torch.nn.Module, torch.nn.MSELoss, torch.nn.CrossEntropyLoss)
print(type(torch.optim.SGD(seq.parameters(), lr=0.1)), torch.optim.Adam, torch.optim.Optimizer)
print(torch.utils.data.TensorDataset, torch.utils.data.DataLoader)
print(type(seq).__name__, type(seq).__module__, torch.nn.Linear.__qualname__)

# %% grad modes
print(torch.no_grad, torch.enable_grad, torch.set_grad_enabled, torch.inference_mode)
print(torch.set_grad_enabled(False), torch.is_grad_enabled())
print(repr(torch.set_grad_enabled(True)), torch.is_grad_enabled())
mode = torch.set_grad_enabled(False)
with mode:
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled(), type(mode).__name__)
for bad in (0, None, "yes"):
    try:
        torch.set_grad_enabled(bad)
    except TypeError as e:
        print(type(e).__name__, e)
print(torch.is_grad_enabled())
print(type(torch.no_grad()), type(torch.enable_grad()), type(torch.inference_mode()))

# %% grad_fn classes are PyTorch's node classes
y = (x * 2).sum()
print(type(y.grad_fn), type(y.grad_fn.next_functions[0][0]), type(y.grad_fn.next_functions[0][0].next_functions[0][0]))
print(type(y.grad_fn).__name__, type(y.grad_fn).__qualname__, type(y.grad_fn).__module__)
print(isinstance(y.grad_fn, torch.autograd.graph.Node), torch.autograd.graph.Node)
c = x * 1
c[0] = 5.0
print(type(c.grad_fn), type(c.grad_fn).__name__, c.grad_fn.name())


# %% a custom Function's node is <Name>Backward in torch.autograd.function, and has apply
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t * t

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return 2 * t * grad


out = Square.apply(x)
node = out.grad_fn
print(node, type(node), type(node).__name__, node.name(), type(Square), Square._backward_cls)
print(node.apply(torch.tensor([1.0, 10.0])), isinstance(node, torch.autograd.graph.Node))
print(Square.apply(x).grad_fn is node, type(Square.apply(x).grad_fn) is type(node), type(node).__mro__[0])

# %% converting to Python numbers
for convert in (float, int, complex, bool, lambda t: t.item()):
    for t in (torch.ones(2), torch.ones(0)):
        try:
            print(convert(t))
        except (ValueError, RuntimeError) as e:
            print(type(e).__name__, e)
print(float(torch.tensor(2.5)), int(torch.tensor(-2.5)), complex(torch.tensor(1.5)), f"{torch.tensor(3.14159):.2f}")
for spec in ("", ".2f"):
    try:
        print(format(torch.ones(2), spec), format(torch.nn.Parameter(torch.tensor(1.5)), spec))
    except TypeError as e:
        print(type(e).__name__, e)

# %% what state_dict(), optimizer.state, max/min along a dim and load_state_dict() return
torch.manual_seed(0)
small = torch.nn.Sequential(torch.nn.Linear(2, 2))
sgd = torch.optim.SGD(small.parameters(), lr=0.1)
values = torch.randn(3, 2)
print(type(small.state_dict()), type(sgd.state), type(torch.max(values, 0)), type(values.min(1)))
print(type(small.load_state_dict(small.state_dict())), small.load_state_dict(small.state_dict()))
print(small.named_parameters(), small.parameters(), small.named_buffers())
print(type(torch.max(values, 0)).__name__, torch.max(values, 0).indices)

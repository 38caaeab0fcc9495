# nn.Linear: PyTorch's default initialisation from the default generator, its printed form, and
# the nodes a forward records (AddmmBackward0 over TBackward0 for a batch; views around it otherwise).
# %% imports and helpers: saved attributes of a node, and the graph below a tensor as an indented tree
import torch
import torch.nn as nn
import torch.nn.functional as F
def saved(node):
    return {name: getattr(node, name) for name in dir(node) if name.startswith("_saved_")}
def tree(t):
    stack = [(t.grad_fn, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            print("  " * depth + "None")
            continue
        print("  " * depth + node.name())
        for child, _ in reversed(node.next_functions):
            stack.append((child, depth + 1))
# %% manual_seed(0) then nn.Linear(3, 2) draws the same weight and bias as PyTorch
torch.manual_seed(0)
lin = nn.Linear(3, 2)
print(lin)
print(lin.weight)
print(lin.bias)
# %% every bit of the initial values
print(lin.weight.tolist())
print(lin.bias.tolist())
# %% a larger layer and one without bias
torch.manual_seed(1)
big = nn.Linear(5, 4)
nobias = nn.Linear(4, 3, bias=False)
print(big.weight.tolist())
print(big.bias.tolist())
print(nobias)
print(nobias.weight, nobias.bias)
# %% a parameter is a leaf that requires grad
print(type(lin.weight).__name__, lin.weight.is_leaf, lin.weight.requires_grad, lin.weight.grad)
print(lin.weight.shape, lin.in_features, lin.out_features)
# %% a batch of inputs: AddmmBackward0, whose weight input goes through TBackward0
x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
y = lin(x)
print(y)
tree(y)
print(saved(y.grad_fn))
# %% when the input requires grad too, addmm saves both operands and their strides
xr = x.clone().requires_grad_(True)
yr = lin(xr)
print(saved(yr.grad_fn))
print(yr.grad_fn.next_functions[1][0].name())
# %% a single 1-d sample: PyTorch views it to [1, 3], runs addmm and views back
v = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
out = lin(v)
print(out)
tree(out)
print(saved(out.grad_fn))
# %% without bias a 1-d sample goes through matmul: unsqueeze, mm, squeeze (SqueezeBackward4)
out = nobias(torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True))
print(out)
tree(out)
print(saved(out.grad_fn))
# %% batch of batches: flattened to 2-d and viewed back
z = torch.arange(12.0).reshape(2, 2, 3)
tree(lin(z))
print(lin(z).shape)
tree(nobias(torch.arange(8.0).reshape(2, 1, 4)))
# %% backward fills the parameters' grads
loss = lin(x).sum()
loss.backward()
print(lin.weight.grad)
print(lin.bias.grad)
# %% F.linear with plain tensors
w = torch.tensor([[1.0, -1.0], [2.0, 0.5]], requires_grad=True)
b = torch.tensor([0.1, 0.2], requires_grad=True)
r = F.linear(torch.tensor([[3.0, 4.0]]), w, b)
print(r)
tree(r)
print(F.linear(torch.tensor([[3.0, 4.0]]), w))
# %% a wrong input size says which matrices could not be multiplied
lin(torch.ones(4, 5))
# %% an integer input cannot be multiplied with a float weight
lin(torch.ones(2, 3, dtype=torch.long))

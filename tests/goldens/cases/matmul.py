# Matrix products of 2-d tensors: @, mm, matmul, their values and gradients.
# %% imports
import torch
A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
B = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]], requires_grad=True)
# %% the three spellings agree
print(A @ B)
print(torch.mm(A, B))
print(torch.matmul(A, B))
print(A.mm(B), A.matmul(B))
# %% shapes
print((A @ B).shape, (B @ A).shape)
# %% gradients: dA = G @ B.t(), dB = A.t() @ G
C = A @ B
C.sum().backward()
print(A.grad)
print(B.grad)
# %% a non-uniform upstream gradient
A.grad = None
B.grad = None
C = A @ B
G = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]])
C.backward(G)
print(A.grad)
print(B.grad)
# %% a product with a constant matrix
A.grad = None
W = torch.ones(2, 2)
(A @ W).sum().backward()
print(A.grad)
# %% a linear layer by hand
x = torch.tensor([[1.0, 2.0]])
w = torch.tensor([[0.5, -1.0], [1.5, 2.0]], requires_grad=True)
b = torch.tensor([0.1, 0.2], requires_grad=True)
out = x @ w.t() + b
print(out)
loss = (out ** 2).mean()
loss.backward()
print(loss, w.grad, b.grad)
# %% chained products
P = torch.tensor([[1.0, 1.0], [0.0, 1.0]], requires_grad=True)
Q = P @ P @ P
print(Q, Q.grad_fn.name(), Q.grad_fn.next_functions[0][0].name())
Q.sum().backward()
print(P.grad)
# %% the grad_fn node and its saved tensors
C = A @ B
print(C.grad_fn, C.grad_fn._saved_self_sym_sizes, C.grad_fn._saved_mat2_sym_sizes)

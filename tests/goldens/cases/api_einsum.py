# torch.einsum: explicit and implicit outputs, '...', repeated subscripts (diagonal, trace), three
# operands; values, the graph torch 2.13 records (bmm between permutes and views), grads, second
# order, and the errors of common misuse. Also torch.diagonal, the view einsum's diagonals are.
# %% inputs and a graph printer
import torch
def nodes(t):
    out, seen, todo = [], set(), [t.grad_fn]
    while todo:
        n = todo.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        out.append(n.name())
        todo.extend(f for f, _ in reversed(n.next_functions))
    return " ".join(out)
A = torch.arange(6.0).view(2, 3).requires_grad_()
B = torch.tensor([[1.0, -1.0, 0.5, 2.0], [0.0, 1.0, 1.0, -2.0], [3.0, 0.5, -1.0, 1.0]], requires_grad=True)
v = torch.tensor([1.0, 2.0, -1.0], requires_grad=True)
w = torch.tensor([0.5, -2.0, 3.0], requires_grad=True)
S = torch.arange(9.0).view(3, 3).requires_grad_()
X = torch.linspace(-1, 1, 30).view(5, 2, 3).requires_grad_()
Y = torch.linspace(0, 2, 60).view(5, 3, 4).requires_grad_()
# %% matrix product, explicit and implicit output
y = torch.einsum("ij,jk->ik", A, B)
print(y, torch.allclose(y, A @ B), torch.einsum("ij,jk", A, B).shape)
print(nodes(y))
print(y.grad_fn._saved_self_sym_sizes, y.grad_fn.next_functions[0][0]._saved_dims)
y.sum().backward()
print(A.grad, B.grad)
A.grad = B.grad = None
# %% dot, outer, elementwise, matrix-vector
print(torch.einsum("i,i->", v, w), torch.einsum("i,i", v, w), torch.einsum("i,j->ij", v, w))
print(torch.einsum("ij,ij->ij", A, A), torch.einsum("ij,ij->i", A, A), torch.einsum("ij,j->i", A, v))
print(nodes(torch.einsum("i,i->", v, w)))
print(nodes(torch.einsum("i,j->ij", v, w)))
print(nodes(torch.einsum("ij,j->i", A, v)))
d = torch.einsum("i,i->", v, w)
d.backward()
print(v.grad, w.grad)
v.grad = w.grad = None
# %% one operand: transpose, sums, trace, diagonal
print(torch.einsum("ij->ji", A), torch.einsum("ij->", A), torch.einsum("ij->j", A), torch.einsum("ba", A).shape)
print(torch.einsum("ii", S), torch.einsum("ii->i", S), torch.einsum("ij", A).grad_fn)
print(nodes(torch.einsum("ii", S)), "|", nodes(torch.einsum("ij->j", A)), "|", nodes(torch.einsum("ij->", A)))
t = torch.einsum("ii->", S)
t.backward()
print(S.grad)
S.grad = None
(torch.einsum("ii->i", S) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(S.grad)
S.grad = None
# %% batched products and the ellipsis
y = torch.einsum("bij,bjk->bik", X, Y)
print(y.shape, torch.allclose(y, torch.bmm(X, Y)), nodes(y))
y2 = torch.einsum("...ij,...jk->...ik", X, Y)
print(torch.equal(y, y2), torch.einsum("...j->...", X).shape, torch.einsum("...ij->...ji", X).shape)
print(torch.einsum("b i j, b j k -> b i k", X, Y).shape, torch.einsum("...i,i", X, v).shape)
(y * y).sum().backward()
print(X.grad[0], Y.grad[1])
X.grad = Y.grad = None
# %% batched diagonal and three operands
T = torch.arange(36.0).view(4, 3, 3).requires_grad_()
print(torch.einsum("bii->bi", T), torch.einsum("bii", T), torch.einsum("...ii->...i", T).shape)
print(nodes(torch.einsum("bii->bi", T)))
q = torch.einsum("bn,anm,bm->ba", A, T, A)
print(q, nodes(q))
q.sum().backward()
print(A.grad, T.grad[1])
A.grad = T.grad = None
print(torch.einsum("i,j,k->ijk", v, w, v).shape, torch.einsum("ij,ik->", A, A), torch.einsum("Ab,bC->AC", A, B).shape)
# %% contractions whose right-only dims come first (bmm with the sides swapped)
K = torch.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0], [1.5, 1.0]], requires_grad=True)
z = torch.einsum("ij,ki->kj", A, K)
print(z, torch.allclose(z, K @ A), nodes(z))
z.sum().backward()
print(A.grad, K.grad)
A.grad = None
one = torch.arange(1.0, 7.0).view(1, 2, 3).requires_grad_()
z = torch.einsum("cdb,d,->cb", one, torch.tensor([1.0, 2.0]), torch.tensor(3.0))
print(z, nodes(z))
# %% operands given as a list, integer operands
print(torch.einsum("ij,jk->ik", [A, B]).shape, torch.einsum("ij->i", torch.tensor([[1, 2], [3, 4]])))
# %% second order through einsum
M = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
u = torch.tensor([0.5, -1.0], requires_grad=True)
e = torch.einsum("i,ij,j->", u, M, u)
(gu,) = torch.autograd.grad(e, u, create_graph=True)
print(e, gu, gu.grad_fn is not None)
gu.sum().backward()
print(u.grad, M.grad)
# %% diagonal as a function and a method
D = torch.arange(24.0).view(2, 3, 4).requires_grad_()
g = torch.diagonal(D, 0, 1, 2)
print(g, g.grad_fn, g.grad_fn._saved_dim1, g.grad_fn._saved_dim2, g.grad_fn._saved_offset, g._base is D)
print(S.diagonal(), S.diagonal(1), S.diagonal(-2), D.diagonal(offset=1, dim1=-1, dim2=0), S.diagonal(5).shape)
print(D.diagonal(1, -1, 0).grad_fn._saved_dim1, D.diagonal(-1).grad_fn._saved_offset)
(g * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(D.grad)
# %% diagonal with the same dim twice
S.diagonal(0, 1, 1)
# %% einsum with too many subscripts for an operand
torch.einsum("ijk,jk->i", A, B)
# %% einsum with too few operands
torch.einsum("ij,jk->ik", A)
# %% einsum with too many operands
torch.einsum("ij->i", A, B)
# %% einsum with mismatched sizes
torch.einsum("ij,ij->i", A, B)
# %% einsum with an output subscript no input has
torch.einsum("ij->k", A)
# %% einsum with an output subscript twice
torch.einsum("ij->ii", A)
# %% einsum with a repeated subscript of different sizes
torch.einsum("ii->i", A)
# %% einsum with an invalid character
torch.einsum("i1,j->ij", v, w)
# %% einsum with a stray dot
torch.einsum("i.,j->ij", v, w)
# %% einsum with no operands
torch.einsum("i->i")

# F.normalize, F.cosine_similarity and nn.CosineSimilarity as embedding and contrastive-learning
# tutorials use them: values, broadcasting, zero vectors (the eps clamp), the graphs they record
# (normalize: a clamped norm expanded and divided; cosine: clones of the norms clamped without
# recording), grads, and a similarity matrix.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% normalize
torch.manual_seed(0)
x = torch.randn(3, 4, requires_grad=True)
n = F.normalize(x, dim=1)
print(n, n.norm(dim=1), F.normalize(x, p=1, dim=0), F.normalize(torch.zeros(2, 3)), sep="\n")
print(n.grad_fn, n.grad_fn.next_functions[1][0], n.grad_fn.next_functions[1][0].next_functions[0][0])
(n * torch.arange(12.0).view(3, 4)).sum().backward()
print(x.grad)
# %% cosine similarity
torch.manual_seed(1)
a = torch.randn(4, 5, requires_grad=True)
b = torch.randn(4, 5, requires_grad=True)
c = F.cosine_similarity(a, b)
print(c, c.grad_fn, c.grad_fn.next_functions[0][0].next_functions)
div = c.grad_fn.next_functions[0][0].next_functions[0][0]
print(div.next_functions, div._saved_other._version)
c.sum().backward()
print(a.grad, b.grad, sep="\n")
cos = nn.CosineSimilarity(dim=0)
print(cos, nn.CosineSimilarity(dim=1, eps=1e-6), cos(a.detach(), b.detach()))
print(F.cosine_similarity(a.detach(), a.detach()[:1]), F.cosine_similarity(torch.zeros(3), torch.ones(3), dim=0))
# %% a similarity matrix
emb = F.normalize(torch.randn(5, 3), dim=-1)
sim = F.cosine_similarity(emb.unsqueeze(1), emb.unsqueeze(0), dim=-1)
print(sim, (emb @ emb.T - sim).abs().max() < 1e-6, sep="\n")

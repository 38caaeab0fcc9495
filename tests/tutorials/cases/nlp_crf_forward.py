# Learner-style script in the manner of the NLP tutorials' "Advanced: Making Dynamic Decisions and
# the Bi-LSTM CRF": a transition Parameter with forbidden moves set through .data, the forward
# algorithm with a max-shifted log-sum-exp, iterating over a tensor row by row (UnbindBackward0),
# a Viterbi decode with .item() and Python lists, and a few SGD steps with weight_decay.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: C416

# %%
import torch
import torch.nn as nn

torch.manual_seed(1)
START, STOP = 3, 4
N_TAGS = 5


def best_index(row):
    _, idx = torch.max(row, 1)
    return idx.item()


def log_sum_exp(row):
    top = row[0, best_index(row)]
    top_b = top.view(1, -1).expand(1, row.size()[1])
    return top + torch.log(torch.sum(torch.exp(row - top_b)))


trans = nn.Parameter(torch.randn(N_TAGS, N_TAGS))
trans.data[START, :] = -10000
trans.data[:, STOP] = -10000
print(trans)

# %%
emissions = torch.randn(4, N_TAGS, requires_grad=True)


def partition(feats):
    alphas = torch.full((1, N_TAGS), -10000.0)
    alphas[0][START] = 0.0
    fwd = alphas
    for feat in feats:
        step = []
        for nxt in range(N_TAGS):
            emit = feat[nxt].view(1, -1).expand(1, N_TAGS)
            trans_row = trans[nxt].view(1, -1)
            step.append(log_sum_exp(fwd + trans_row + emit).view(1))
        fwd = torch.cat(step).view(1, -1)
    final = fwd + trans[STOP]
    return log_sum_exp(final)


z = partition(emissions)
print(z)
print(z.grad_fn)
rows = [r for r in emissions]
print(rows[0].grad_fn, len(rows))


# %%
def gold_score(feats, tags):
    score = torch.zeros(1)
    tags = torch.cat([torch.tensor([START], dtype=torch.long), tags])
    for i, feat in enumerate(feats):
        score = score + trans[tags[i + 1], tags[i]] + feat[tags[i + 1]]
    return score + trans[STOP, tags[-1]]


gold = torch.tensor([0, 1, 2, 1], dtype=torch.long)
nll = z - gold_score(emissions, gold)
print(nll)
nll.backward()
print(emissions.grad)
print(trans.grad[0])


# %%
def viterbi(feats):
    back = []
    v = torch.full((1, N_TAGS), -10000.0)
    v[0][START] = 0
    for feat in feats:
        ptrs, vals = [], []
        for nxt in range(N_TAGS):
            cand = v + trans[nxt]
            j = best_index(cand)
            ptrs.append(j)
            vals.append(cand[0][j].view(1))
        v = (torch.cat(vals) + feat).view(1, -1)
        back.append(ptrs)
    last = v + trans[STOP]
    j = best_index(last)
    score = last[0][j]
    path = [j]
    for ptrs in reversed(back):
        j = ptrs[j]
        path.append(j)
    assert path.pop() == START
    path.reverse()
    return score, path


with torch.no_grad():
    print(viterbi(emissions))

# %%
bilstm = nn.LSTM(3, 2, num_layers=1, bidirectional=True)
hidden = (torch.randn(2, 1, 2), torch.randn(2, 1, 2))
seq_out, hidden = bilstm(torch.randn(4, 1, 3), hidden)
print(seq_out.view(4, 4).shape)
opt = torch.optim.SGD([trans, *bilstm.parameters()], lr=0.01, weight_decay=1e-4)
for _ in range(3):
    opt.zero_grad()
    loss = partition(emissions.detach()) - gold_score(emissions.detach(), gold)
    loss.backward()
    opt.step()
    print(loss.item())

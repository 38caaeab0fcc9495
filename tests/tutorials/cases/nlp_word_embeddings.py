# Learner-style script in the manner of the NLP tutorials' "Word Embeddings": an nn.Embedding
# lookup with a LongTensor index, then a small N-gram language model (Embedding, view, ReLU,
# log_softmax, NLLLoss) trained for a few epochs with the running loss printed.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B007, SIM905

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)
index = {"sun": 0, "moon": 1}
table = nn.Embedding(2, 4)
look = torch.tensor([index["moon"]], dtype=torch.long)
print(table(look))
print(table.weight.shape, table)

# %%
CONTEXT = 2
DIM = 6
text = """the quick grey fox jumps over the lazy dog and the lazy dog sleeps while the quick fox
runs over the hill""".split()
grams = [([text[i - j - 1] for j in range(CONTEXT)], text[i]) for i in range(CONTEXT, len(text))]
print(grams[:2])
words = sorted(set(text))
w2i = {w: i for i, w in enumerate(words)}
print(len(words))


class TriGram(nn.Module):
    def __init__(self, vocab_size, dim, context):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.hidden = nn.Linear(context * dim, 16)
        self.out = nn.Linear(16, vocab_size)

    def forward(self, ids):
        e = self.emb(ids).view((1, -1))
        h = F.relu(self.hidden(e))
        return F.log_softmax(self.out(h), dim=1)


# %%
losses = []
crit = nn.NLLLoss()
lm = TriGram(len(words), DIM, CONTEXT)
opt = optim.SGD(lm.parameters(), lr=0.01)
for epoch in range(4):
    running = 0
    for ctx, tgt in grams:
        ctx_ids = torch.tensor([w2i[w] for w in ctx], dtype=torch.long)
        lm.zero_grad()
        log_probs = lm(ctx_ids)
        loss = crit(log_probs, torch.tensor([w2i[tgt]], dtype=torch.long))
        loss.backward()
        opt.step()
        running += loss.item()
    losses.append(running)
print(losses)
print(lm.emb.weight[w2i["fox"]])

# %%
# padding_idx keeps one row at zero and out of the gradient
padded = nn.Embedding(5, 3, padding_idx=0)
rows = padded(torch.tensor([[0, 2], [4, 0]]))
print(rows)
rows.sum().backward()
print(padded.weight.grad)
print(F.embedding(torch.tensor([1, 1]), torch.eye(3)))

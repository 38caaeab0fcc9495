# Learner-style script in the manner of the NLP tutorials' "Sequence Models and LSTM Networks":
# an LSTM fed one step at a time with a carried (h, c) tuple, the same sequence fed at once, and
# a small part-of-speech tagger (Embedding -> LSTM -> Linear -> log_softmax) trained briefly.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B007, SIM905, UP008

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)
cell = nn.LSTM(2, 3)
steps = [torch.randn(1, 2) for _ in range(4)]
state = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
for s in steps:
    out, state = cell(s.view(1, 1, -1), state)
print(out)
print(state)

# %%
whole = torch.cat(steps).view(len(steps), 1, -1)
state = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
out, state = cell(whole, state)
print(out)
print(state)
print(out.grad_fn)

# %%
sentences = [
    ("my cat eats fish".split(), ["DET", "NN", "V", "NN"]),
    ("the dog likes my cat".split(), ["DET", "NN", "V", "DET", "NN"]),
]
w2i = {}
for sent, _ in sentences:
    for w in sent:
        if w not in w2i:
            w2i[w] = len(w2i)
t2i = {"DET": 0, "NN": 1, "V": 2}


def encode(seq, table):
    return torch.tensor([table[w] for w in seq], dtype=torch.long)


class Tagger(nn.Module):
    def __init__(self, emb_dim, hid_dim, n_words, n_tags):
        super(Tagger, self).__init__()
        self.hid_dim = hid_dim
        self.embed = nn.Embedding(n_words, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hid_dim)
        self.to_tag = nn.Linear(hid_dim, n_tags)

    def forward(self, sentence):
        vecs = self.embed(sentence)
        lstm_out, _ = self.lstm(vecs.view(len(sentence), 1, -1))
        tag_space = self.to_tag(lstm_out.view(len(sentence), -1))
        return F.log_softmax(tag_space, dim=1)


tagger = Tagger(4, 5, len(w2i), len(t2i))
print(tagger)
crit = nn.NLLLoss()
opt = optim.SGD(tagger.parameters(), lr=0.1)

# %%
with torch.no_grad():
    print(tagger(encode(sentences[0][0], w2i)))

for epoch in range(20):
    for sent, tags in sentences:
        tagger.zero_grad()
        scores = tagger(encode(sent, w2i))
        loss = crit(scores, encode(tags, t2i))
        loss.backward()
        opt.step()

with torch.no_grad():
    final = tagger(encode(sentences[0][0], w2i))
    print(final)
    print(final.argmax(dim=1))
print([n for n, _ in tagger.lstm.named_parameters()])

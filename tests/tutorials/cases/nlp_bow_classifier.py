# Learner-style script in the manner of the NLP tutorials' "Deep Learning with PyTorch": softmax
# and log_softmax, then a bag-of-words logistic classifier (Linear + log_softmax) trained with
# NLLLoss and SGD, targets built with torch.LongTensor, one column of the weight before/after.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B007, SIM905, UP008

# %%
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)
scores = autograd.Variable(torch.randn(4))
print(scores)
print(F.softmax(scores, dim=0))
print(F.softmax(scores, dim=0).sum())
print(F.log_softmax(scores, dim=0))
print(torch.softmax(scores, 0), torch.log_softmax(scores, dim=0))

# %%
train = [
    ("le chat dort sur le lit".split(), "FR"),
    ("der hund schläft im bett".split(), "DE"),
    ("le chien mange".split(), "FR"),
    ("die katze spielt im garten".split(), "DE"),
]
held_out = [("le chat mange".split(), "FR"), ("der hund spielt".split(), "DE")]

vocab = {}
for words, _ in train + held_out:
    for w in words:
        vocab.setdefault(w, len(vocab))
print(vocab)
label_ids = {"FR": 0, "DE": 1}


class BagOfWords(nn.Module):
    def __init__(self, n_labels, n_words):
        super(BagOfWords, self).__init__()
        self.affine = nn.Linear(n_words, n_labels)

    def forward(self, counts):
        return F.log_softmax(self.affine(counts), dim=1)


def bow(words):
    v = torch.zeros(len(vocab))
    for w in words:
        v[vocab[w]] += 1
    return v.view(1, -1)


def target_of(label):
    return torch.LongTensor([label_ids[label]])


clf = BagOfWords(2, len(vocab))
for prm in clf.parameters():
    print(prm)

# %%
print(clf(autograd.Variable(bow(train[0][0]))))
with torch.no_grad():
    for words, lab in held_out:
        print(clf(bow(words)))
print(next(clf.parameters())[:, vocab["chat"]])

# %%
nll = nn.NLLLoss()
sgd = optim.SGD(clf.parameters(), lr=0.1)
for epoch in range(30):
    for words, lab in train:
        clf.zero_grad()
        log_probs = clf(autograd.Variable(bow(words)))
        loss = nll(log_probs, autograd.Variable(target_of(lab)))
        loss.backward()
        sgd.step()

with torch.no_grad():
    for words, lab in held_out:
        print(clf(bow(words)))
print(next(clf.parameters())[:, vocab["chat"]])
print(loss)

# Learner-style script in the manner of Dive into Deep Learning's "Linear Regression Implementation
# from Scratch": synthetic data from torch.normal, a Python generator that shuffles indices with
# random.shuffle, parameters from torch.normal(..., requires_grad=True), a hand-written sgd under
# no_grad, and per-epoch losses printed with float(...):f. 含中文输出。
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: N803

# %%
import random

import torch

random.seed(0)
torch.manual_seed(0)


def make_data(w, b, n):
    X = torch.normal(0, 1, (n, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([1.5, -2.0, 0.7])
true_b = 3.1
features, labels = make_data(true_w, true_b, 120)
print("features:", features[0], "\nlabel:", labels[0])


# %%
def batches(batch_size, features, labels):
    n = len(features)
    order = list(range(n))
    random.shuffle(order)
    for i in range(0, n, batch_size):
        idx = torch.tensor(order[i : min(i + batch_size, n)])
        yield features[idx], labels[idx]


for X, y in batches(5, features, labels):
    print(X, "\n", y)
    break

# %%
w = torch.normal(0, 0.01, size=(3, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


# %%
lr = 0.05
num_epochs = 3
batch_size = 10
for epoch in range(num_epochs):
    for X, y in batches(batch_size, features, labels):
        batch_loss = squared_loss(linreg(X, w, b), y)
        batch_loss.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")

# %%
print(f"w的估计误差: {true_w - w.reshape(true_w.shape)}")
print(f"b的估计误差: {true_b - b}")

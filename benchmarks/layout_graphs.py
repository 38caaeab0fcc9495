"""Seeded generators of autograd-like DAGs for the layout benchmark and tests.

A training graph is a stack of blocks: linear layers (a parameter leaf joins through
AccumulateGrad/TBackward, fan-in 2), element-wise chains, residual blocks (a skip edge across the
block), attention-like blocks (one tensor fans out to three projections that merge again), a
recurrent weight reused by many steps (wide fan-out, long edges), and a few regulariser terms that
run from parameters straight to the loss.  Edges point in data-flow direction; the loss is the only
sink.
"""

from __future__ import annotations

import random

import networkx as nx

UNARY = [
    "ReluBackward0",
    "TanhBackward0",
    "ViewBackward0",
    "ExpBackward0",
    "SigmoidBackward0",
    "MulBackward0",
    "NegBackward0",
]


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.g = nx.DiGraph()
        self.count = 0
        self.params: list[str] = []

    def node(self, label: str, kind: str = "op") -> str:
        name = f"n{self.count}"
        self.count += 1
        self.g.add_node(name, kind=kind, label=label, width=float(50 + 7 * len(label)), height=40.0)
        return name

    def op(self, label: str, *inputs: str) -> str:
        v = self.node(label)
        for slot, u in enumerate(inputs):
            self.g.add_edge(u, v, index=slot)
        return v

    def param(self) -> str:
        leaf = self.node("weight", "leaf")
        acc = self.op("AccumulateGrad", leaf)
        self.params.append(acc)
        return acc

    def linear(self, x: str, shared: str | None = None) -> str:
        w = shared if shared is not None else self.op("TBackward0", self.param())
        h = self.op("MmBackward0", x, w)
        return self.op("AddBackward0", h, self.param())


def autograd_like(n: int, seed: int = 0) -> nx.DiGraph:
    """A connected DAG of exactly ``n`` nodes (n >= 4) shaped like an autograd training graph."""
    b = _Builder(seed)
    rng = b.rng
    x = b.node("input", "leaf")
    recurrent: str | None = None
    terms: list[str] = []
    budget = n - 2  # keep room for the final loss node
    while b.count < budget - 40:  # the largest block adds 33 nodes
        r = rng.random()
        if r < 0.35:
            x = b.op(rng.choice(UNARY), b.linear(x))
        elif r < 0.55:
            for _ in range(rng.randint(2, 6)):
                x = b.op(rng.choice(UNARY), x)
        elif r < 0.72:
            h = b.op("ReluBackward0", b.linear(x))
            x = b.op("AddBackward0", x, b.linear(h))
        elif r < 0.84:
            q, k, v = b.linear(x), b.linear(x), b.linear(x)
            s = b.op("SoftmaxBackward0", b.op("BmmBackward0", q, b.op("TransposeBackward0", k)))
            x = b.op("AddBackward0", x, b.linear(b.op("BmmBackward0", s, v)))
        elif r < 0.94:
            if recurrent is None or rng.random() < 0.3:
                recurrent = b.op("TBackward0", b.param())
            x = b.op("TanhBackward0", b.linear(x, shared=recurrent))
        elif len(terms) < 3:
            p = rng.choice(b.params) if b.params else b.param()
            terms.append(b.op("SumBackward0", b.op("PowBackward0", p)))
    while b.count < budget - 1:
        x = b.op(rng.choice(UNARY), x)
    loss = b.op("MeanBackward0", x)
    while b.count < n - 1:
        terms.append(b.node("bias", "leaf"))
    return _finish(b, loss, terms)


def _finish(b: _Builder, loss: str, terms: list[str]) -> nx.DiGraph:
    if terms:
        total = b.op("AddBackward0", loss, *terms)
    else:
        total = b.op("NegBackward0", loss)
    b.g.nodes[total]["kind"] = "loss"
    return b.g

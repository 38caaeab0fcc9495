"""Layout benchmark graphs recorded from model code run by gradviz's own engine.

Each graph is what the app would draw: the model code runs in a ``gradviz.runner.session.Session``
and its snapshot is cut to one view (``view_subgraph``).  The models are ordinary training code
(an MLP unrolled over training steps, a small CNN with batch norm and a residual, a hand-written
RNN whose recurrent weight is used at every step, ``nn.RNN``, a stack of transformer blocks), and
``long_edge_source`` writes a deep recurrent stack whose parameters are consumed at many depths,
with a weight-decay term from every parameter straight into the loss.  Nothing here knows how the
layout works; the graphs only carry node boxes sized by their label, as the canvas sizes them.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

MLP_STEPS = """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
total = 0
for step in range(5):
    x = torch.randn(8, 4)
    y = torch.randn(8, 1)
    pred = model(x)
    loss = ((pred - y) ** 2).mean()
    total = total + loss
"""

CNN = """
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.b1 = nn.BatchNorm2d(4)
        self.c2 = nn.Conv2d(4, 8, 3, padding=1)
        self.b2 = nn.BatchNorm2d(8)
        self.c3 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 2 * 2, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
        r = x = F.relu(self.b2(self.c2(x)))
        x = F.relu(self.c3(x) + r)
        x = F.max_pool2d(x, 2)
        return self.fc(x.flatten(1))
net = Net()
total = 0
for step in range(3):
    x = torch.randn(2, 1, 8, 8)
    t = torch.randint(0, 10, (2,))
    total = total + F.cross_entropy(net(x), t)
"""

RNN_UNROLLED = """
import torch
torch.manual_seed(0)
W_xh = torch.randn(3, 8, requires_grad=True)
W_hh = torch.randn(8, 8, requires_grad=True)
b_h = torch.zeros(8, requires_grad=True)
W_hy = torch.randn(8, 2, requires_grad=True)
h = torch.zeros(1, 8)
loss = 0
for t in range(24):
    x = torch.randn(1, 3)
    h = torch.tanh(x @ W_xh + h @ W_hh + b_h)
    y = h @ W_hy
    loss = loss + (y ** 2).sum()
"""

RNN_MODULE = """
import torch
import torch.nn as nn
torch.manual_seed(0)
rnn = nn.RNN(3, 8, num_layers=2, batch_first=True)
head = nn.Linear(8, 1)
x = torch.randn(2, 10, 3)
out, h = rnn(x)
loss = head(out).pow(2).mean()
"""

ATTENTION = """
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, 4 * d)
        self.ff2 = nn.Linear(4 * d, d)
        self.heads = heads
    def forward(self, x):
        B, T, D = x.shape
        h = self.ln1(x)
        q = self.q(h).view(B, T, self.heads, D // self.heads).transpose(1, 2)
        k = self.k(h).view(B, T, self.heads, D // self.heads).transpose(1, 2)
        v = self.v(h).view(B, T, self.heads, D // self.heads).transpose(1, 2)
        att = F.softmax((q @ k.transpose(-2, -1)) / (D // self.heads) ** 0.5, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(y)
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))
emb = nn.Embedding(20, 16)
blocks = nn.ModuleList([Block(16, 2) for _ in range(3)])
head = nn.Linear(16, 20)
idx = torch.randint(0, 20, (2, 5))
x = emb(idx)
for b in blocks:
    x = b(x)
loss = F.cross_entropy(head(x).view(-1, 20), idx.view(-1))
"""


def long_edge_source(layers: int, steps: int, seed: int = 0) -> str:
    """A deep recurrent stack: ``layers`` RNN layers of ``steps`` steps, each layer with its own
    input, recurrent and bias parameters (the recurrent weight is used at every step of its layer);
    a gain applied at random steps of every layer and an embedding tied to the output head (both
    consumed at many depths); and weight decay, one term per parameter, stacked into the loss."""
    return f"""
import torch
torch.manual_seed({seed})
d = 6
embed = torch.randn(d, d, requires_grad=True)
gain = torch.ones(d, requires_grad=True)
params = [embed, gain]
h = torch.randn(2, d) @ embed
task = 0
for layer in range({layers}):
    w_x = torch.randn(d, d, requires_grad=True)
    w_h = torch.randn(d, d, requires_grad=True)
    b = torch.zeros(d, requires_grad=True)
    params += [w_x, w_h, b]
    x = h
    state = torch.zeros(2, d)
    for t in range({steps}):
        state = torch.tanh(x @ w_x + state @ w_h + b)
        if int(torch.randint(0, 4, ())) == 0:
            state = state * gain
    h = x + state
    task = task + (h @ embed.t()).pow(2).mean()
reg = torch.stack([p.pow(2).sum() for p in params]).sum()
loss = task + 1e-4 * reg
"""


# name -> (model code, view); the long-edge graphs are sized to about 1,000 and 10,000 nodes.
MODELS: dict[str, tuple[str, str]] = {
    "MLP x5 steps (dataflow)": (MLP_STEPS, "dataflow"),
    "MLP x5 steps (gradfn)": (MLP_STEPS, "gradfn"),
    "CNN x3 steps (gradfn)": (CNN, "gradfn"),
    "RNN x24 unrolled (gradfn)": (RNN_UNROLLED, "gradfn"),
    "RNN x24 unrolled (dataflow)": (RNN_UNROLLED, "dataflow"),
    "nn.RNN 2 layers (gradfn)": (RNN_MODULE, "gradfn"),
    "attention x3 (gradfn)": (ATTENTION, "gradfn"),
    "long-edge 1k (gradfn)": (long_edge_source(12, 12), "gradfn"),
    "long-edge 10k (gradfn)": (long_edge_source(42, 41), "gradfn"),
}


def node_box(label: str) -> tuple[float, float]:
    """A node's box as the canvas sizes it: wide enough for its longest label line."""
    lines = label.split("\n") or [""]
    return 50.0 + 7.0 * max(len(line) for line in lines), 24.0 + 16.0 * len(lines)


def record(source: str, view: str) -> nx.MultiDiGraph:
    """Run ``source`` in a fresh Session and return its snapshot's ``view`` as a lean graph:
    node boxes and labels, one edge per input slot (keys and slot indices kept)."""
    from gradviz.graph.snapshot import from_node_link, view_subgraph
    from gradviz.runner.session import Session

    result = Session().run_cell(0, source)
    if result.error is not None or result.graph is None:
        raise RuntimeError(f"model code failed: {result.error}")
    full = view_subgraph(from_node_link(result.graph), view)
    lean: nx.MultiDiGraph[Hashable] = nx.MultiDiGraph()
    for v, data in full.nodes(data=True):
        label = str(data.get("label") or v)
        w, h = node_box(label)
        lean.add_node(v, label=label, width=w, height=h)
    for u, v, key, data in full.edges(keys=True, data=True):
        lean.add_edge(u, v, key=key, index=data.get("index", 0))
    return lean


def model_graphs(names: list[str] | None = None) -> list[tuple[str, nx.MultiDiGraph]]:
    """The graphs of ``MODELS`` (all, or the given names), in that order."""
    chosen = names if names is not None else list(MODELS)
    return [(name, record(*MODELS[name])) for name in chosen]


def to_node_link(graph: nx.DiGraph) -> dict:
    """The node-link document ``gradviz layout`` reads (a DiGraph's or a MultiDiGraph's)."""
    multi = graph.is_multigraph()
    links = (
        [{"source": u, "target": v, "key": k, **data} for u, v, k, data in graph.edges(keys=True, data=True)]
        if multi
        else [{"source": u, "target": v, **data} for u, v, data in graph.edges(data=True)]
    )
    return {
        "directed": True,
        "multigraph": multi,
        "graph": {},
        "nodes": [{"id": v, **data} for v, data in graph.nodes(data=True)],
        "links": links,
    }

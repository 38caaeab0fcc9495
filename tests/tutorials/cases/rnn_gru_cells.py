# Learner-style script covering the recurrent layers a first course shows next to the LSTM: nn.RNN
# (tanh, two layers, batch_first), nn.GRU (bidirectional), and the single-step cells (RNNCell,
# LSTMCell, GRUCell) unrolled by hand, with gradients flowing back to the first input.

# %%
import torch
from torch import nn

torch.manual_seed(9)
rnn = nn.RNN(input_size=3, hidden_size=4, num_layers=2, batch_first=True)
seq = torch.randn(2, 5, 3)
out, h_n = rnn(seq)
print(out.shape, h_n.shape)
print(h_n)
print(rnn)

# %%
gru = nn.GRU(3, 2, bidirectional=True)
ys, hs = gru(seq.transpose(0, 1))
print(ys.shape, hs.shape)
print(ys[-1])
print([(n, tuple(p.shape)) for n, p in gru.named_parameters()])

# %%
rc = nn.RNNCell(3, 4, nonlinearity="relu")
lc = nn.LSTMCell(3, 4)
gc = nn.GRUCell(3, 4)
x = torch.randn(5, 1, 3, requires_grad=True)
h = torch.zeros(1, 4)
hc = (torch.zeros(1, 4), torch.zeros(1, 4))
g = torch.zeros(1, 4)
for t in range(5):
    h = rc(x[t], h)
    hc = lc(x[t], hc)
    g = gc(x[t], g)
print(h)
print(hc[0], hc[1])
print(g)

# %%
(h.sum() + hc[0].sum() + g.sum()).backward()
print(x.grad[0])
print(rc.weight_ih.grad.shape, lc.weight_hh.grad.shape, gc.bias_ih.grad.shape)

# %%
lstm2 = nn.LSTM(3, 2, num_layers=1, batch_first=True)
o, (hn, cn) = lstm2(seq)
print(torch.allclose(o[:, -1, :], hn[0]))
print(o.grad_fn.name())

# Dropout between stacked recurrent layers (nn.RNN / nn.GRU / nn.LSTM with num_layers > 1 and
# dropout > 0), as language-model tutorials use it: outputs and states in training mode (the masks
# come from the default generator), the node the dropout records, grads, eval mode without it,
# the single-layer warning, and the range check.
# %% imports
import torch
import torch.nn as nn
# %% RNN and GRU in training mode
torch.manual_seed(0)
rnn = nn.RNN(3, 4, num_layers=2, dropout=0.5)
print(rnn)
x = torch.randn(5, 2, 3)
out, h = rnn(x)
print(out[-1], h)
print(out.grad_fn, h.grad_fn)
out.sum().backward()
print(rnn.weight_ih_l0.grad)
gru = nn.GRU(3, 2, num_layers=3, dropout=0.25, batch_first=True)
y, hg = gru(torch.randn(2, 4, 3))
print(y[:, -1], hg)
# %% LSTM in training mode, bidirectional
torch.manual_seed(1)
lstm = nn.LSTM(3, 2, num_layers=2, dropout=0.4, bidirectional=True)
print(lstm)
z, (hn, cn) = lstm(torch.randn(4, 1, 3))
print(z[:, 0], hn, cn, sep="\n")
z.pow(2).sum().backward()
print(lstm.weight_hh_l1.grad)
# %% eval mode uses no dropout, and the stream is untouched
lstm.eval()
torch.manual_seed(2)
a = lstm(torch.ones(2, 1, 3))[0]
print(a[:, 0], torch.rand(2))
# %% one layer warns
nn.GRU(2, 2, dropout=0.3)
# %% out of range
nn.LSTM(2, 2, num_layers=2, dropout=1.5)

# nn.LSTM(proj_size=...): parameters (weight_hr_l*), printed form, shapes of the output and of the
# two states, values, the graph the default CPU path records (the warning that oneDNN is not used),
# grads, batch_first / bidirectional / stacked forms, and the errors of common misuse.
# %% imports
import torch
import torch.nn as nn
# %% one layer
torch.manual_seed(0)
lstm = nn.LSTM(3, 4, proj_size=2)
print(lstm, [(name, tuple(p.shape)) for name, p in lstm.named_parameters()])
x = torch.randn(3, 1, 3)
out, (h, c) = lstm(x)
print(out, h, c, sep="\n")
print(out.grad_fn, out.grad_fn.next_functions[0][0], out.grad_fn.next_functions[0][0].next_functions)
print(h.grad_fn, c.grad_fn)
(out.sum() + c.sum()).backward()
print(lstm.weight_hr_l0.grad, lstm.weight_hh_l0.grad[:4], sep="\n")
# %% stacked, bidirectional, batch_first, with initial states and dropout
torch.manual_seed(1)
deep = nn.LSTM(2, 5, num_layers=2, proj_size=3, bidirectional=True, batch_first=True, dropout=0.2)
print(deep, deep.weight_ih_l1.shape, deep.weight_hr_l1_reverse.shape)
seq = torch.randn(2, 4, 2)
h0, c0 = torch.zeros(4, 2, 3), torch.randn(4, 2, 5)
y, (hn, cn) = deep(seq, (h0, c0))
print(y.shape, hn.shape, cn.shape, y.grad_fn)
print(y[0], hn[-1])
deep.eval()
print(deep(seq[0])[0].shape, deep(seq[0])[1][0].shape)
# %% wrong hidden size
lstm(x, (torch.zeros(1, 1, 4), torch.zeros(1, 1, 4)))
# %% proj_size must be smaller than hidden_size
nn.LSTM(3, 4, proj_size=4)
# %% proj_size only for LSTM
nn.GRU(3, 4, proj_size=2)

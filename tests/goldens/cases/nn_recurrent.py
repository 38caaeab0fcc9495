# Recurrent layers: nn.RNN (tanh/relu, layers, batch_first, bidirectional, given h0), nn.GRU,
# nn.LSTM (one MkldnnRnnLayerBackward0 per layer and direction, its saved attributes, BPTT grads),
# the cells unrolled by hand with UnsafeSplitBackward0 gates; parameter names, init and reprs.
# %% imports
import torch
import torch.nn as nn
# %% RNN: parameters in PyTorch's order and init, repr, outputs and graph
torch.manual_seed(0)
rnn = nn.RNN(3, 4, num_layers=2, nonlinearity="relu", bidirectional=True)
print(rnn)
print([(n, tuple(p.shape)) for n, p in rnn.named_parameters()])
print(rnn.weight_hh_l1_reverse)
x = torch.randn(5, 2, 3, requires_grad=True)
out, h_n = rnn(x)
print(out.shape, h_n.shape, out.grad_fn.name(), h_n.grad_fn.name(), out.grad_fn._saved_dim)
print(out[-1])
print(h_n[1:])
out.sum().backward()
print(x.grad[0], rnn.weight_ih_l0.grad)
# %% RNN with batch_first and a given h0; unbatched input
torch.manual_seed(1)
rnn_bf = nn.RNN(2, 3, batch_first=True)
seq = torch.randn(2, 4, 2)
h0 = torch.randn(1, 2, 3, requires_grad=True)
out, h_n = rnn_bf(seq, h0)
print(out.grad_fn.name(), out.grad_fn._saved_dim0, out.grad_fn._saved_dim1, out[:, -1])
h_n.sum().backward()
print(h0.grad)
single, h_single = rnn_bf(seq[0])
print(single.shape, h_single.shape, single.grad_fn.name())
# %% GRU
torch.manual_seed(2)
gru = nn.GRU(3, 2, num_layers=2)
print(gru, [n for n, _ in gru.named_parameters()][:4])
y, h = gru(x.detach())
print(y[2], h)
(y.pow(2).sum() + h.sum()).backward()
print(gru.weight_hh_l0.grad, gru.bias_ih_l1.grad)
# %% LSTM: one oneDNN node per layer and direction
torch.manual_seed(3)
lstm = nn.LSTM(3, 2, num_layers=2, bidirectional=True)
print(lstm)
print([n for n, _ in lstm.named_parameters()])
o, (hn, cn) = lstm(x)
print(o.shape, hn.shape, cn.shape, o.grad_fn.name(), o.grad_fn._saved_dim)
layer = o.grad_fn.next_functions[0][0]
print(layer.name(), layer._saved_mode, layer._saved_hidden_size, layer._saved_num_layers, layer._saved_reverse)
print(layer._saved_bidirectional, layer._saved_has_biases, layer._saved_batch_first, layer._saved_train)
print(layer._saved_weight0.shape, layer._saved_hx_, layer._saved_result1, layer._saved_batch_sizes)
print([None if n is None else n.name() for n, _ in layer.next_functions])
print(o[0])
print(hn, cn)
# %% LSTM gradients through time
(o.pow(2).sum() + hn.sum() + 2 * cn.sum()).backward()
print(x.grad[4])
print(lstm.weight_ih_l0.grad)
print(lstm.bias_hh_l1_reverse.grad)
# %% LSTM with a given state, batch_first, unbatched
torch.manual_seed(4)
lstm_bf = nn.LSTM(2, 3, batch_first=True)
h0 = torch.zeros(1, 2, 3, requires_grad=True)
c0 = torch.randn(1, 2, 3, requires_grad=True)
o, (hn, cn) = lstm_bf(seq, (h0, c0))
print(o.grad_fn.name(), o[:, 1], hn, cn)
cn.sum().backward()
print(h0.grad, c0.grad)
o1, (h1, c1) = lstm_bf(seq[1])
print(o1.shape, h1.shape, c1.shape)
# %% cells
torch.manual_seed(5)
rc, lc, gc = nn.RNNCell(3, 4), nn.LSTMCell(3, 4, bias=False), nn.GRUCell(3, 4)
print(rc, nn.RNNCell(3, 4, nonlinearity="relu"), lc, gc)
inp = torch.randn(2, 3, requires_grad=True)
h = rc(inp)
hx, cx = lc(inp)
g = gc(inp, torch.ones(2, 4))
print(h.grad_fn.name(), hx.grad_fn.name(), cx.grad_fn.name(), g.grad_fn.name())
split = hx.grad_fn.next_functions[0][0].next_functions[0][0]
print(split.name(), split._saved_dim, split._saved_split_size, split._saved_self_sym_sizes)
print(h, hx, cx, g)
(h.sum() + hx.sum() + cx.sum() + g.sum()).backward()
print(inp.grad, gc.bias_hh.grad)
print(rc(torch.randn(3)).shape, gc(torch.randn(3), torch.zeros(4)).shape)
# %% errors
try:
    rnn(torch.randn(5, 2, 4))
except RuntimeError as e:
    print(e)
try:
    lstm(x, (torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)))
except RuntimeError as e:
    print(e)
try:
    nn.RNN(3, 4, nonlinearity="sigmoid")
except ValueError as e:
    print(e)

# Older and keyword spellings learners paste: torch.Tensor / FloatTensor / LongTensor ..., the legacy
# autograd.Variable, set_default_dtype, size= and input=/other= keywords, torch.normal in all its forms,
# equal/all/any/allclose/isclose, torch.softmax/log_softmax, is_inference.
# %% imports
import torch
from torch.autograd import Variable
# %% torch.Tensor: sizes, data, another tensor
print(torch.Tensor(2, 3).shape, torch.Tensor(torch.Size([1, 2])).shape, torch.Tensor([1, 2]), torch.Tensor((2, 3)))
print(torch.Tensor([[1, 2], [3, 4]]), torch.Tensor([True, False]), torch.Tensor().shape)
src = torch.tensor([1.0, 2.0])
alias = torch.Tensor(src)
alias[0] = 9.0
print(src, torch.Tensor(torch.tensor([1, 2])))
# %% torch.Tensor refuses a number as data
torch.Tensor(2.5)
# %% and keywords other than device
torch.Tensor([1, 2], requires_grad=True)
# %% typed legacy constructors
print(torch.LongTensor([1.7, 2.2]), torch.FloatTensor([1, 2]), torch.DoubleTensor(2).shape, torch.IntTensor([3]))
print(torch.BoolTensor([1, 0]), torch.ByteTensor([1, 0]), torch.HalfTensor([1]).dtype, torch.LongTensor(2, 2).shape)
print(torch.ShortTensor([1]).dtype, torch.CharTensor([1]).dtype, torch.LongTensor().shape, torch.FloatTensor)
print(isinstance(torch.ones(2), torch.FloatTensor), isinstance(torch.ones(2), torch.DoubleTensor))
print(isinstance(torch.LongTensor([1]), torch.Tensor), torch.ones(2).type(), torch.ones(2, dtype=torch.int64).type())
print(torch.ones(2).type(torch.float64), torch.FloatTensor([1]).requires_grad)
# %% a typed constructor refuses another dtype's tensor
torch.FloatTensor(torch.tensor([1, 2]))
# %% Variable keeps requires_grad and the dtype
v = Variable(torch.tensor([1.0, 2.0]), requires_grad=True)
print(v, v.is_leaf, v.grad_fn, isinstance(v, Variable), isinstance(torch.ones(1), Variable))
(v * v).sum().backward()
print(v.grad)
print(Variable(torch.tensor([1, 2])), Variable(torch.tensor([1, 2])).dtype, Variable().shape)
base = torch.tensor([1.0, 2.0])
shared = Variable(base, requires_grad=True)
base.add_(1)
print(shared, shared._version)
y = torch.ones(2, requires_grad=True) * 2
print(Variable(y), Variable(y).grad_fn, Variable(y, requires_grad=True))
# %% Variable refuses requires_grad on integers
Variable(torch.tensor([1, 2]), requires_grad=True)
# %% volatile is gone, with a warning
print(Variable(torch.ones(1), volatile=True))
# %% Variable needs a tensor
Variable([1.0, 2.0])
# %% set_default_dtype changes what factories make
torch.set_default_dtype(torch.float64)
print(torch.get_default_dtype(), torch.tensor([1.5]), torch.ones(2).dtype, torch.Tensor([1]).dtype)
print(torch.arange(0.0, 1.0, 0.5).dtype, torch.full((2,), 1.5).dtype, torch.linspace(0, 1, 3).dtype)
print(torch.tensor([1, 2]) * 1.5, torch.tensor([1, 2]) / 2, torch.zeros(2, dtype=torch.float32))
print(torch.nn.Linear(2, 1).weight.dtype, torch.tensor(2.5).dtype, torch.tensor([1, 2]).dtype)
torch.set_default_dtype(torch.float32)
print(torch.get_default_dtype(), torch.tensor([1.5]))
# %% only floating-point types can be the default
torch.set_default_dtype(torch.int64)
# %% size= keyword forms
torch.manual_seed(0)
print(torch.randn(size=(3,)), torch.rand(size=(2, 2)), torch.zeros(size=(2,)), torch.ones(size=[1, 2]))
print(torch.empty(size=(2, 3)).shape, torch.randn(size=(2,), requires_grad=True))
# %% input= and other= keywords
a = torch.tensor([[1.0, 2.0], [3.0, 0.5]], requires_grad=True)
vec = torch.ones(2)
print(torch.matmul(input=a, other=a), a.matmul(other=a))
print(torch.add(input=a, other=a, alpha=2), torch.mul(a, other=2), torch.sum(input=a, dim=0))
print(torch.mm(input=a, mat2=a), torch.mv(input=a, vec=vec), torch.dot(input=vec, tensor=vec))
print(torch.where(condition=vec > 0, input=vec, other=vec * 0), torch.pow(input=a, exponent=2))
print(torch.clamp(input=a, min=1.0), torch.transpose(input=a, dim0=0, dim1=1), torch.exp(input=vec))
# %% torch.normal: float mean and std with a size
torch.manual_seed(0)
print(torch.normal(0, 1, (3,)), torch.normal(2.0, 3.0, size=(20,)))
print(torch.normal(mean=0.5, std=0.01, size=(2, 2)), torch.normal(0, 1, (2,), dtype=torch.float64))
w = torch.normal(0, 0.01, size=(3, 1), requires_grad=True)
print(w, w.is_leaf)
print(torch.normal(0, 1, (2,), generator=torch.Generator().manual_seed(3)))
# %% torch.normal: tensor means and stds
torch.manual_seed(1)
print(torch.normal(torch.zeros(3), 2.0), torch.normal(torch.zeros(3)), torch.normal(1.5, torch.ones(3)))
print(torch.normal(torch.arange(4.0), torch.ones(4) * 0.5), torch.normal(torch.zeros(2, 1), torch.ones(3)))
print(torch.normal(torch.full((20,), 1.0), torch.full((20,), 3.0)))
print(torch.normal(torch.zeros(2, dtype=torch.float64), torch.ones(2)))
m = torch.zeros(3, requires_grad=True)
s = torch.ones(3, requires_grad=True)
n1, n2, n3 = torch.normal(m, 1.0), torch.normal(0.0, s), torch.normal(m, s)
print(n1.grad_fn, n2.grad_fn, n3.grad_fn)
(n1 + n2 + n3).sum().backward()
print(m.grad, s.grad)
# %% torch.normal(float, float) needs a size
torch.normal(0.0, 1.0)
# %% a negative std
torch.normal(0, -1, (2,))
# %% negative stds in a tensor
torch.normal(torch.zeros(2), -torch.ones(2))
# %% integer means
torch.normal(torch.zeros(2, dtype=torch.int64), 1.0)
# %% shapes that do not broadcast
torch.normal(torch.zeros(2), torch.ones(3))
# %% equal, all, any
p = torch.tensor([1.0, 2.0])
print(p.equal(torch.tensor([1.0, 2.0])), torch.equal(p, torch.tensor([1, 2])), torch.equal(p, torch.ones(3)))
print(torch.equal(torch.tensor([float("nan")]), torch.tensor([float("nan")])))
print(a.all(), a.any(), (a > 1).all(dim=1), torch.any(a > 2, 0, keepdim=True), (a > 1).any(-1))
print(torch.all(torch.tensor([1, 0, 2])), torch.all(torch.tensor([], dtype=torch.bool)), torch.any(torch.tensor([])))
print(torch.all(torch.tensor([1, 2], dtype=torch.uint8)), torch.all(a, dim=(0, 1)))
# %% equal needs a tensor
torch.equal(p, 1.0)
# %% allclose and isclose
q = torch.tensor([1.0, 2.0000001])
print(torch.allclose(p, q), p.allclose(q), torch.allclose(p, torch.tensor([1.0])), torch.isclose(p, q))
print(p.isclose(torch.tensor([1.1, 2.0]), rtol=0.2), torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3])))
print(torch.isclose(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True))
print(torch.allclose(torch.tensor([1e-9]), torch.tensor([0.0])), torch.allclose(p, p + 1e-3, atol=1e-2))
# %% allclose needs the same dtype
torch.allclose(p, torch.tensor([1, 2]))
# %% and shapes that broadcast
torch.isclose(p, torch.ones(3))
# %% torch.softmax and log_softmax need a dim
print(torch.softmax(a, 1), torch.softmax(a, dim=0), a.softmax(1), torch.log_softmax(a, 1), a.log_softmax(dim=-1))
print(torch.softmax(a, 1, dtype=torch.float64), torch.softmax(input=a, dim=1))
torch.softmax(a)
# %% softmax of integers
torch.softmax(torch.tensor([1, 2]), 0)
# %% is_inference
with torch.inference_mode():
    inf = a * 2
print(inf.is_inference(), a.is_inference(), torch.is_inference(inf), inf.requires_grad)
print(inf.clone().is_inference())
# %% inference tensors cannot be saved for backward
(inf * a).sum()

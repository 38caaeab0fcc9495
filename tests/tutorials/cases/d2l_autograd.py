# Learner-style script in the manner of Dive into Deep Learning's "Automatic Differentiation"
# (English and Chinese editions): arange + requires_grad_, the None grad echoed, 2 * dot(x, x),
# comparisons echoed as bool tensors, zero_, non-scalar backward with gradient=, detach, control
# flow with randn(size=()), and the exercises (a second backward, a vector a). 中文注释与输出。
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B015, B018

# %%
import torch

x = torch.arange(5.0)
x

# %%
x.requires_grad_(True)  # 等价于 x = torch.arange(5.0, requires_grad=True)
x.grad  # 默认值是 None

# %%
y = 3 * torch.dot(x, x)
y

# %%
y.backward()
x.grad

# %%
x.grad == 6 * x

# %%
# 在默认情况下，PyTorch 会累积梯度，我们需要清除之前的值
x.grad.zero_()
y = x.sum()
y.backward()
x.grad

# %%
# 对非标量调用 backward 需要传入一个 gradient 参数
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
x.grad

# %%
x.grad.zero_()
y = x * x
y.sum().backward()
print("梯度:", x.grad)

# %%
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
x.grad == u

# %%
x.grad.zero_()
y.sum().backward()
x.grad == 2 * x


# %%
def g(a):
    b = a * 3
    while b.norm() < 500:
        b = b * 3
    if b.sum() > 0:
        c = b
    else:
        c = 50 * b
    return c


torch.manual_seed(42)
a = torch.randn(size=(), requires_grad=True)
d = g(a)
d.backward()
a.grad == d / a

# %%
# 练习：再次调用 backward
w = torch.arange(3.0, requires_grad=True)
v = (w * w).sum()
v.backward()
try:
    v.backward()
except RuntimeError as e:
    print("再次反向传播报错:", e)

# %%
# 练习：非标量直接 backward
try:
    (w * 2).backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
# 练习：把 a 换成随机向量
a_vec = torch.randn(size=(3,), requires_grad=True)
d_vec = g(a_vec)
d_vec.sum().backward()
print(a_vec.grad)
print(d_vec / a_vec)

# %%
z = torch.linspace(0, 6.0, 7)
z.requires_grad_(True)
torch.sin(z).sum().backward()
print(z.grad)
print(torch.allclose(z.grad, torch.cos(z)))

# The seed tutorial's ideas written the other ways learners write them.
# %% the tutorial's alias
import torch as tf
# %% requires_grad both ways, on other shapes
x = tf.ones(2, 2, requires_grad=True)
print(x)
x = tf.zeros(3)
x.requires_grad = True
print(x)
# %% from-imports resolve through torch too
from torch import ones, tensor
print(ones(2), tensor([1.0]))
# %% a grad_fn chain like the tutorial's, with its prints
x = tf.ones(2, 2, requires_grad=True)
print(x.grad_fn)
y = x ** 2
print(y.grad_fn)
z = (y + 1) * y
print(z.grad_fn, z)
# %% backward of a non-scalar, then of one element, then of another element
z.backward()
# %% one element
z[0][0].backward(retain_graph=True)
print(x.grad)
# %% another element through the retained graph
z[1][1].backward()
print(x.grad)
# %% the next element fails: the graph is freed now
z[0][1].backward()
# %% the tutorial's zeroing, both spellings
x.grad.data.zero_()
print(x.grad)
x.grad.zero_()
print(x.grad)
# %% mean instead of sum
x = tf.ones(3, 2, requires_grad=True)
y = x ** 2
z = (y + 1) * y
m = z.mean()
print(m)
m.backward()
print(x.grad)
# %% the non-leaf warning through the alias, and then the tensor's own repr
print(y.grad, y)

# Forgetting optimizer.zero_grad(): a tiny linear regression that trains badly.
# backward() does not replace a parameter's .grad, it ADDS to it. A training loop therefore has to
# clear the old gradients every iteration, usually with optimizer.zero_grad(). Here we forget that
# call and watch weight.grad keep growing and the loss bounce; then we put it back and compare.

# %% The data: 8 points on the line y = 2x + 1, with a little noise
import torch

torch.manual_seed(0)
x = torch.linspace(-1, 1, 8).unsqueeze(1)  # shape (8, 1): one feature per point
y = 2 * x + 1 + 0.1 * torch.randn(8, 1)
loss_fn = torch.nn.MSELoss()
print(x.shape, y.shape)

# %% The model: one weight and one bias (prediction = weight * x + bias), trained with plain SGD
torch.manual_seed(1)  # the same starting weight and bias in both loops below
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
print(model.weight, model.bias)

# %% The bug: no optimizer.zero_grad(), so each backward() adds onto the previous .grad
for step in range(8):
    prediction = model(x)
    loss = loss_fn(prediction, y)
    loss.backward()  # .grad = old .grad + this step's gradient
    optimizer.step()  # so the step follows the growing sum, not this step's gradient
    print(f"step {step}  loss {loss.item():.4f}  weight.grad {model.weight.grad.item():.4f}")

# %% The fix: clear the gradients at the start of every iteration
torch.manual_seed(1)  # start again from the same weight and bias
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
for step in range(8):
    optimizer.zero_grad()  # .grad becomes None, so backward() starts from nothing
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    print(f"step {step}  loss {loss.item():.4f}  weight.grad {model.weight.grad.item():.4f}")

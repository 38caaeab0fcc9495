# Learner-style script comparing the optimizers a first course names (SGD with momentum, nesterov,
# weight decay; Adam and amsgrad; AdamW; RMSprop; Adagrad) on one small quadratic, then the
# learning-rate schedulers (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR,
# ReduceLROnPlateau) with get_last_lr() and param_groups, and the warning for calling a
# scheduler before the optimizer.

# %%
import torch
from torch import optim
from torch.optim import lr_scheduler

target = torch.tensor([1.0, -2.0, 0.5])


def run(make_opt, steps=5):
    torch.manual_seed(0)
    w = torch.randn(3, requires_grad=True)
    opt = make_opt([w])
    for _ in range(steps):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum() + 0.1 * w.abs().sum()
        loss.backward()
        opt.step()
    return w.detach(), loss.item()


for name, make in [
    ("sgd", lambda p: optim.SGD(p, lr=0.1)),
    ("momentum", lambda p: optim.SGD(p, lr=0.1, momentum=0.9)),
    ("nesterov", lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("decay", lambda p: optim.SGD(p, lr=0.1, momentum=0.5, dampening=0.1, weight_decay=0.01)),
    ("adam", lambda p: optim.Adam(p, lr=0.1)),
    ("amsgrad", lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.99), amsgrad=True)),
    ("adamw", lambda p: optim.AdamW(p, lr=0.1, weight_decay=0.1)),
    ("rmsprop", lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9)),
    ("rms_centered", lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True)),
    ("adagrad", lambda p: optim.Adagrad(p, lr=0.5)),
]:
    print(name, *run(make))

# %%
lin = torch.nn.Linear(2, 1)
adam = optim.Adam([{"params": [lin.weight]}, {"params": [lin.bias], "lr": 0.01}], lr=0.1)
print(adam)
print([g["lr"] for g in adam.param_groups], adam.defaults["betas"])
lin(torch.ones(1, 2)).sum().backward()
adam.step()
print(sorted(adam.state[lin.weight].keys()), adam.state[lin.weight]["step"])
print(adam.state_dict()["param_groups"][1]["lr"])


# %%
def lrs(make_sched, epochs=6):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = optim.SGD([p], lr=1.0)
    sched = make_sched(opt)
    seen = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append(round(sched.get_last_lr()[0], 6))
    return seen


print(lrs(lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5)))
print(lrs(lambda o: lr_scheduler.MultiStepLR(o, milestones=[1, 4], gamma=0.1)))
print(lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9)))
print(lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4)))
print(lrs(lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 1 / (epoch + 1))))

# %%
p = torch.nn.Parameter(torch.zeros(1))
opt = optim.SGD([p], lr=0.5)
plateau = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
for val_loss in [1.0, 0.9, 0.95, 0.97, 0.99, 0.5]:
    opt.step()
    plateau.step(val_loss)
    print(val_loss, opt.param_groups[0]["lr"])

# %%
q = torch.nn.Parameter(torch.ones(1))
opt2 = optim.SGD([q], lr=0.1)
early = lr_scheduler.StepLR(opt2, step_size=1, gamma=0.5)
early.step()
print(opt2.param_groups[0]["lr"])

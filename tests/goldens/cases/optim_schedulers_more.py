# The learning-rate schedulers of training tutorials beyond the basic ones: OneCycleLR (with SGD
# momentum and with Adam's beta1, cos and linear, three phases), LinearLR and ConstantLR warm-ups,
# SequentialLR (warm-up then decay) and ChainedScheduler; the floats they print, the state they
# keep, and the errors of common misuse.
# %% imports
import torch
import torch.nn as nn
# %% OneCycleLR with SGD momentum
torch.manual_seed(0)
model = nn.Linear(2, 1).double()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
print(sched.get_last_lr(), opt.param_groups[0]["momentum"], opt.param_groups[0]["initial_lr"], opt.param_groups[0]["min_lr"])
x, y = torch.randn(8, 2, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64)
for step in range(10):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    sched.step()
    print(step, sched.get_last_lr(), opt.param_groups[0]["momentum"], round(loss.item(), 6))
# %% OneCycleLR with Adam, linear annealing, epochs x steps_per_epoch, three phases
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[0.05], epochs=2, steps_per_epoch=4, anneal_strategy="linear")
lrs = []
for _ in range(8):
    opt.step()
    sched.step()
    lrs.append((sched.get_last_lr()[0], opt.param_groups[0]["betas"]))
print(lrs)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.4, total_steps=12, three_phase=True, pct_start=0.25)
out = []
for _ in range(12):
    opt.step()
    sched.step()
    out.append(sched.get_last_lr()[0])
print(out)
# %% LinearLR and ConstantLR
opt = torch.optim.SGD(model.parameters(), lr=0.05)
warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4)
seen = [warm.get_last_lr()[0]]
for _ in range(6):
    opt.step()
    warm.step()
    seen.append(warm.get_last_lr()[0])
print(seen, warm.state_dict()["start_factor"], warm.last_epoch)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
const = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=3)
seen = [const.get_last_lr()[0]]
for _ in range(5):
    opt.step()
    const.step()
    seen.append(const.get_last_lr()[0])
print(seen)
opt = torch.optim.SGD(model.parameters(), lr=1.0)
down = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=5)
for _ in range(6):
    opt.step()
    down.step()
print(down.get_last_lr())
# %% SequentialLR: warm-up, then decay
opt = torch.optim.SGD(model.parameters(), lr=0.1)
warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
seq = torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[warm, decay], milestones=[3])
seen = [seq.get_last_lr()[0]]
for _ in range(7):
    opt.step()
    seq.step()
    seen.append(seq.get_last_lr()[0])
print(seen, seq.last_epoch, warm.last_epoch, decay.last_epoch)
print(sorted(seq.state_dict()), len(seq.state_dict()["_schedulers"]))
# %% ChainedScheduler
opt = torch.optim.SGD(model.parameters(), lr=1.0)
chain = torch.optim.lr_scheduler.ChainedScheduler(
    [torch.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2), torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)]
)
seen = [chain.get_last_lr()[0]]
for _ in range(4):
    opt.step()
    chain.step()
    seen.append(chain.get_last_lr()[0])
print(seen)
# %% OneCycleLR stepped too often
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
for _ in range(3):
    opt.step()
    sched.step()
# %% OneCycleLR without a length
torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0)
# %% OneCycleLR needs momentum
torch.optim.lr_scheduler.OneCycleLR(torch.optim.Adagrad(model.parameters()), max_lr=1.0, total_steps=5)
# %% LinearLR start factor
torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.0)
# %% SequentialLR milestones
torch.optim.lr_scheduler.SequentialLR(opt, [torch.optim.lr_scheduler.ConstantLR(opt)], milestones=[2])

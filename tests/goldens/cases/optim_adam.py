# torch.optim.Adam: printed form, state, and updates bit for bit over several steps (defaults,
# betas, weight decay, AMSGrad, decoupled weight decay, maximize), with grads set by hand.
# %% imports and a helper that runs steps with fixed grads and prints every bit
import torch
def run(opt, params, grads):
    for g in grads:
        for p, gv in zip(params, g):
            p.grad = torch.tensor(gv)
        opt.step()
        print([p.tolist() for p in params])
grads = [[[0.5, -1.25, 3.0], [0.1]], [[-0.3, 0.7, 0.01], [2.5]], [[1e-3, 4.0, -2.0], [-0.75]],
         [[0.2, 0.2, 0.2], [0.3]], [[-5.0, 0.0, 1e-5], [0.0]]]
def fresh():
    return [torch.tensor([1.0, -2.0, 0.3], requires_grad=True), torch.tensor([0.7], requires_grad=True)]
# %% the printed form
ps = fresh()
opt = torch.optim.Adam(ps)
print(opt)
# %% default Adam: the first step moves every coordinate by about lr
run(opt, ps, grads)
# %% the state: step count, first and second moments
print(opt.state[ps[0]])
print(opt.state[ps[1]]["step"], opt.state[ps[1]]["exp_avg"].tolist(), opt.state[ps[1]]["exp_avg_sq"].tolist())
# %% other betas, eps and L2 weight decay
ps = fresh()
run(torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01), ps, grads)
# %% AMSGrad keeps the running maximum of the second moment
ps = fresh()
opt = torch.optim.Adam(ps, lr=0.02, amsgrad=True)
run(opt, ps, grads)
print(sorted(opt.state[ps[0]].keys()), opt.state[ps[0]]["max_exp_avg_sq"].tolist())
# %% decoupled weight decay (AdamW's rule) and maximize
ps = fresh()
run(torch.optim.Adam(ps, lr=0.003, weight_decay=0.1, decoupled_weight_decay=True), ps, grads)
ps = fresh()
run(torch.optim.Adam(ps, lr=0.1, maximize=True), ps, grads[:2])
# %% state_dict
print(opt.state_dict()["param_groups"])
print(opt.state_dict()["state"][1])
# %% invalid settings
for make in [lambda: torch.optim.Adam(fresh(), betas=(1.0, 0.9)), lambda: torch.optim.Adam(fresh(), eps=-1.0),
             lambda: torch.optim.Adam(fresh(), lr=-0.1)]:
    try:
        make()
    except ValueError as e:
        print(e)

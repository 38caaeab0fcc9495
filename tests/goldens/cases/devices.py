# Devices on a CPU-only machine: torch.device, Tensor.device/.to/.cpu/.cuda, torch.cuda, torch.backends,
# torch.accelerator, and device= on factories and nn modules, as PyTorch 2.13's CPU wheel answers them.
# %% imports
import torch
import torch.nn as nn
# %% torch.device: repr, str, type, index, equality, hashing
cpu = torch.device("cpu")
print(repr(cpu), str(cpu), cpu.type, cpu.index)
print(torch.device("cuda"), repr(torch.device("cuda:1")), torch.device("cuda", 1).index)
print(repr(torch.device("cpu", 0)), repr(torch.device(cpu)), repr(torch.device(type="cpu", index=2)))
print(cpu == torch.device("cpu"), cpu == torch.device("cpu:0"), cpu == "cpu", cpu != torch.device("cuda"))
print(len({torch.device("cpu"), torch.device("cpu"), torch.device("cuda")}))
print(f"{cpu}", torch.device("mps"), torch.device("meta"))
# %% bad device strings fail as PyTorch fails
torch.device("gpu")
# %% an index that is not a number
torch.device("cuda:x")
# %% an index given twice
torch.device("cuda:1", 1)
# %% a negative index
torch.device("cpu", -1)
# %% an integer device means the current accelerator
torch.device(0)
# %% the queries a script asks before choosing its device
print(torch.cuda.is_available(), torch.cuda.device_count(), torch.cuda.is_initialized())
print(torch.backends.mps.is_available(), torch.backends.mps.is_built(), torch.backends.cudnn.is_available())
print(torch.accelerator.is_available(), torch.accelerator.current_accelerator(), torch.accelerator.device_count())
print(torch.cuda.manual_seed(1), torch.cuda.manual_seed_all(1), torch.cuda.empty_cache())
print(torch.cuda.memory_allocated(), torch.cuda.max_memory_allocated(), torch.cuda.is_bf16_supported())
print(torch.get_default_device())
# %% the learner's device line
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, dev, torch.device(device) == dev)
# %% reproducibility switches can be set and read back
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
print(torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark, torch.backends.cudnn.enabled)
# %% torch.cuda.current_device() needs CUDA
torch.cuda.current_device()
# %% so does synchronize
torch.cuda.synchronize()
# %% and the device name
torch.cuda.get_device_name(0)
# %% torch.accelerator.current_device_index() needs an accelerator
torch.accelerator.current_device_index()
# %% Tensor.device and moving to the CPU
x = torch.ones(2, 3)
print(x.device, x.is_cuda, x.is_cpu, x.get_device())
print(x.to("cpu") is x, x.to(dev) is x, x.cpu() is x, x.to(torch.device("cpu")) is x, x.to(x.device) is x)
print(x.to("cpu", torch.float64).dtype, x.to(dtype=torch.int32), x.to(device="cpu", dtype=torch.float16).dtype)
print(x.to(torch.ones(1, dtype=torch.int64)).dtype, x.to() is x, x.to(non_blocking=True) is x)
# %% copy=True makes a new tensor even when nothing changes
w = torch.ones(2, requires_grad=True)
c = w.to("cpu", copy=True)
print(c, c is w, w.to(torch.float64))
c2 = x.to(torch.float32, copy=True)
c2[0, 0] = 5.0
print(x[0, 0])
# %% .cuda() fails without CUDA
x.cuda()
# %% so does .to("cuda")
x.to("cuda")
# %% and .to("cuda:0")
x.to("cuda:0")
# %% .to("mps") fails differently
x.to("mps")
# %% .to with two dtypes is not an overload
x.to(torch.float64, torch.float32)
# %% an unknown keyword
x.to(foo=1)
# %% device= on factories
print(torch.zeros(2, device="cpu"), torch.ones(1, device=torch.device("cpu")).device)
print(torch.rand(2, device=cpu).device, torch.arange(3, device="cpu"), torch.full((2,), 7, device="cpu"))
print(torch.tensor([1.0], device="cpu"), torch.eye(2, device="cpu"), torch.zeros_like(x, device="cpu").shape)
# %% a factory on CUDA fails
torch.zeros(2, device="cuda")
# %% torch.tensor on CUDA fails
torch.tensor([1.0, 2.0], device="cuda")
# %% randn on a device that is not a device type
torch.randn(2, device="gpu")
# %% nn modules with device=, and moving them
torch.manual_seed(3)
layer = nn.Linear(2, 3, device="cpu")
print(layer.weight.device, layer.to("cpu") is layer, layer.cpu() is layer)
net = nn.Sequential(nn.Linear(2, 2), nn.ReLU()).to(dev)
print(next(net.parameters()).device, net(torch.ones(1, 2, device=dev)).device)
# %% a module on CUDA fails
nn.Linear(2, 3, device="cuda")
# %% moving a module to CUDA fails
layer.to("cuda")
# %% .cuda() on a module fails
layer.cuda()
# %% a module only moves to floating-point dtypes
layer.to(torch.int64)
# %% a module on a device that is not a device type
nn.Linear(2, 2, device="gpu")
# %% a module moved to float64 by dtype, by device and dtype, and by another tensor
print(nn.Linear(2, 2).to(torch.float64).weight.dtype, nn.Linear(2, 2).to("cpu", torch.float64).bias.dtype)
print(nn.Linear(2, 2).to(torch.ones(1, dtype=torch.float64)).weight.dtype)

# The errors learners meet with nn.Module.
# %% imports
import torch
import torch.nn as nn
# %% forgetting super().__init__() before assigning a layer
class Forgot(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)
Forgot()
# %% the same before assigning a parameter
class ForgotParam(nn.Module):
    def __init__(self):
        self.w = nn.Parameter(torch.ones(1))
ForgotParam()
# %% a module without forward
class NoForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
NoForward()(torch.ones(2))
# %% replacing a parameter with a plain tensor
lin = nn.Linear(2, 2)
lin.weight = torch.ones(2, 2)
# %% a misspelt attribute
lin.wieght
# %% Sequential index out of range
nn.Sequential(nn.ReLU())[3]
# %% loading a state_dict with a missing key
nn.Linear(2, 2).load_state_dict({"weight": torch.ones(2, 2)})
# %% loading a state_dict of the wrong shape
nn.Linear(2, 2).load_state_dict({"weight": torch.ones(3, 2), "bias": torch.ones(2)})

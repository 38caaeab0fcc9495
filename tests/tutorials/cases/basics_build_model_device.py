# Learner-style script in the manner of "Learn the Basics: Build the Neural Network" and the
# Quickstart: choose a device (CPU-only answers), move a model and data with .to(device), print the
# module tree, the softmax of the logits, the argmax, and every parameter's name and size.

# %%
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Running on {device}")
print(torch.cuda.is_available(), torch.cuda.device_count())
print(torch.backends.mps.is_available())

# %%
dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(dev, dev.type, repr(dev))
print(torch.device("cpu") == torch.device(device))

# %%
torch.manual_seed(11)


class TinyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.stack = nn.Sequential(
            nn.Linear(3 * 3, 6),
            nn.ReLU(),
            nn.Linear(6, 6),
            nn.ReLU(),
            nn.Linear(6, 4),
        )

    def forward(self, x):
        x = self.flatten(x)
        return self.stack(x)


net = TinyClassifier().to(device)
print(net)

# %%
images = torch.rand(2, 3, 3, device=device)
scores = net(images)
probs = nn.Softmax(dim=1)(scores)
guess = probs.argmax(1)
print(f"Guessed class: {guess}")
print(scores.device, images.to(device).device, images.cpu().device)

# %%
torch.manual_seed(21)
batch = torch.rand(3, 2, 2)
print(nn.Flatten()(batch).size())
lin = nn.Linear(in_features=4, out_features=2)
hid = lin(nn.Flatten()(batch))
print(f"before ReLU: {hid}\n\n")
hid = nn.ReLU()(hid)
print(f"after ReLU: {hid}")

# %%
for name, param in net.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")

# %%
moved = torch.ones(2).to(dev)
print(moved.device, moved.to("cpu", torch.float64).dtype, moved.to(dtype=torch.int32))
print(next(net.parameters()).device, next(net.parameters()).is_cuda)

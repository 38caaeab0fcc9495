# Learner-style script on the convolutional vocabulary of a first course (and pytorch/examples'
# MNIST net, shrunk): Conv1d and Conv2d shapes and grads, max/avg pooling as modules and
# functions, Dropout and BatchNorm1d/2d in train vs eval mode (running statistics), then a tiny
# conv net with log_softmax + nll_loss, Adadelta and StepLR for a few steps.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
signal = torch.randn(2, 3, 8)
conv1 = nn.Conv1d(3, 4, kernel_size=3, padding=1)
print(conv1)
out1 = conv1(signal)
print(out1.shape, out1.grad_fn)
print(nn.Conv1d(3, 2, 3, stride=2)(signal).shape)

# %%
img = torch.randn(1, 1, 6, 6, requires_grad=True)
conv2 = nn.Conv2d(1, 2, kernel_size=3)
fmap = conv2(img)
print(fmap.shape)
print(fmap[0, 0])
fmap.sum().backward()
print(img.grad[0, 0])
print(conv2.weight.grad.shape, conv2.bias.grad)

# %%
print(nn.MaxPool2d(2)(fmap))
print(nn.AvgPool2d(kernel_size=2, stride=1)(fmap).shape)
print(F.max_pool2d(fmap, 2).grad_fn)
print(F.avg_pool1d(signal, 2))
print(nn.MaxPool1d(3, stride=2)(signal).shape, nn.AdaptiveAvgPool2d((1, 1))(fmap).flatten(1))

# %%
drop = nn.Dropout(p=0.5)
ones = torch.ones(2, 6)
print(drop(ones))
drop.eval()
print(drop(ones))
print(F.dropout(ones, 0.25, training=True))
print(F.dropout(ones, 0.25, training=False).equal(ones))

# %%
bn = nn.BatchNorm1d(3)
print(bn)
batch = torch.randn(5, 3) * 2 + 1
print(bn(batch))
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn(batch + 1)
print(bn.running_mean)
bn.eval()
print(bn(batch[:2]))
print(bn.training, [n for n, _ in bn.named_buffers()])
print(bn.state_dict().keys())

# %%
bn2 = nn.BatchNorm2d(2, momentum=0.5, affine=False)
print(bn2(fmap.detach()).mean(dim=(0, 2, 3)).abs() < 1e-6)
print(bn2.running_var)


# %%
class TinyConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 6, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(6 * 2 * 2, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


net = TinyConvNet()
data = torch.randn(6, 1, 8, 8)
target = torch.tensor([0, 1, 2, 0, 1, 2])
optimizer = torch.optim.Adadelta(net.parameters(), lr=1.0)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
for epoch in range(1, 4):
    net.train()
    optimizer.zero_grad()
    output = net(data)
    loss = F.nll_loss(output, target)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(f"Train Epoch: {epoch} \tLoss: {loss.item():.6f} lr {scheduler.get_last_lr()}")
net.eval()
with torch.no_grad():
    out = net(data)
    test_loss = F.nll_loss(out, target, reduction="sum").item()
    pred = out.argmax(dim=1, keepdim=True)
    correct = pred.eq(target.view_as(pred)).sum().item()
print(f"Average loss: {test_loss / len(data):.4f}, Accuracy: {correct}/{len(data)}")

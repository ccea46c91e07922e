# ruff: noqa: F401, B007  (PyTorch code as its users write it: the test runs it verbatim)
# A PyTorch training script written in PyTorch's own idiom (the "Training a Classifier"
# tutorial's model, a DataLoader loop, argmax accuracy, a scheduler, state_dict save/load).
# tests/parity/test_verbatim_script.py runs it under torch, and again with only its import
# lines rewritten to rectifiers, and compares the two runs step by step.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def run(images, labels, initial_state, path):
    net = Net()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in initial_state.items()})
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    dataset = TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    trainloader = DataLoader(dataset, batch_size=8, shuffle=False)

    losses = []
    for epoch in range(2):
        net.train()
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, targets = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            losses.append(loss.item())
        scheduler.step()

    correct = 0
    total = 0
    net.eval()
    with torch.no_grad():
        for data in trainloader:
            inputs, targets = data
            outputs = net(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += targets.size(0)
            correct += (predicted == targets).sum().item()

    torch.save(net.state_dict(), path)
    reloaded = Net()
    reloaded.load_state_dict(torch.load(path))
    with torch.no_grad():
        check = reloaded(torch.from_numpy(images[:4])).numpy()
    return {
        "losses": losses,
        "accuracy": correct / total,
        "logits": check,
        "lr": scheduler.get_last_lr()[0],
    }

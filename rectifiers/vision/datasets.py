"""``rectifiers.vision.datasets``: torchvision's path to the CIFAR readers of :mod:`rectifiers.data`."""

from ..data.cifar import CIFAR10, CIFAR100

__all__ = ["CIFAR10", "CIFAR100"]

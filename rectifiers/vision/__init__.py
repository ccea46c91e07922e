"""torchvision's paths for what rectifiers has of it: ``import rectifiers.vision as torchvision``.

``torchvision.datasets.CIFAR10/CIFAR100`` and ``torchvision.transforms`` (``Compose``,
``ToTensor``, ``Normalize``, and the whole-batch ``RandomCrop``/``RandomHorizontalFlip``).
"""

from . import datasets, transforms

__all__ = ["datasets", "transforms"]

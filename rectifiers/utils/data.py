"""``rectifiers.utils.data``: the names of ``torch.utils.data``, from :mod:`rectifiers.data`."""

from ..data.dataset import Dataset, Subset, TensorDataset, default_collate, random_split
from ..data.loader import DataLoader

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]

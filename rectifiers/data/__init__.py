"""Data: CIFAR-10/100 readers, a synthetic set, the DataLoader and batch transforms."""

from . import transforms
from .cifar import CIFAR10, CIFAR100, DatasetError
from .download import DownloadError, default_data_dir, download
from .loader import ArrayDataset, DataLoader, subset
from .synthetic import SyntheticImages

__all__ = [
    "CIFAR10",
    "CIFAR100",
    "ArrayDataset",
    "DataLoader",
    "DatasetError",
    "DownloadError",
    "SyntheticImages",
    "default_data_dir",
    "download",
    "subset",
    "transforms",
]

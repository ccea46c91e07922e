"""Data: CIFAR-10/100 readers, a synthetic set, the DataLoader and batch transforms."""

from . import transforms
from .cifar import CIFAR10, CIFAR100, DatasetError
from .dataset import Dataset, Subset, TensorDataset, default_collate, random_split
from .download import DownloadError, default_data_dir, download
from .loader import ArrayDataset, DataLoader, subset
from .synthetic import SyntheticImages

__all__ = [
    "CIFAR10",
    "CIFAR100",
    "ArrayDataset",
    "DataLoader",
    "Dataset",
    "DatasetError",
    "DownloadError",
    "Subset",
    "SyntheticImages",
    "TensorDataset",
    "default_collate",
    "default_data_dir",
    "download",
    "random_split",
    "subset",
    "transforms",
]

"""PyTorch's ``torch.utils`` paths: ``rectifiers.utils.data`` is ``torch.utils.data``."""

from . import data

__all__ = ["data"]

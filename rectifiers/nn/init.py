"""``rectifiers.nn.init`` is ``rectifiers.init`` (PyTorch's ``torch.nn.init`` path)."""

from ..init import *  # noqa: F403
from ..init import __all__  # noqa: F401

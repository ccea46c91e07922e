"""``rectifiers.nn.functional`` is ``rectifiers.functional`` (PyTorch's ``torch.nn.functional`` path)."""

from ..functional import *  # noqa: F403
from ..functional import __all__  # noqa: F401

"""``rectifiers.vision.transforms``: torchvision's path to :mod:`rectifiers.data.transforms`."""

from ..data.transforms import *  # noqa: F403
from ..data.transforms import __all__  # noqa: F401

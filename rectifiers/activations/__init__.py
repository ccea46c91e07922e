"""The rectifier family as modules: ReLU, LeakyReLU, PReLU, RReLU, and ``build_activation``."""

from .leaky_relu import LeakyReLU
from .prelu import PReLU
from .registry import ACTIVATIONS, build_activation
from .relu import ReLU
from .rrelu import RReLU

__all__ = ["ACTIVATIONS", "LeakyReLU", "PReLU", "RReLU", "ReLU", "build_activation"]

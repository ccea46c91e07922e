"""The kernels as differentiable functions, PyTorch's ``torch.nn.functional`` names.

import rectifiers.functional as F
y = F.relu(F.conv2d(x, w, b, padding=1))
"""

from ..autograd.ops import log_softmax, sigmoid, softmax, tanh
from .activations import leaky_relu, prelu, relu, rrelu, rrelu_eval_slope
from .conv import conv2d
from .dropout import dropout
from .linear import linear
from .loss import cross_entropy, mse_loss, nll_loss
from .normalization import batch_norm
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "cross_entropy",
    "dropout",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "sigmoid",
    "softmax",
    "tanh",
    "max_pool2d",
    "prelu",
    "relu",
    "rrelu",
    "rrelu_eval_slope",
]

"""NumPy kernels: the forward and backward of every layer, as pure functions on arrays.

Nothing here knows about tensors or graphs. Each op has one file, which reads
from the top down:

1. the math, in the module docstring (formulas and shapes);
2. the **reference**: the textbook NumPy forward and backward, a few lines each,
   named ``*_reference`` (e.g. ``prelu.prelu_backward_reference``);
3. the **fast** version the library runs, after a comment saying what it does
   differently and what that bought (measured). The tests assert that it equals
   the reference over memory layouts, block sizes and fold factors.

Each fast ``*_forward`` returns the output and a small record of what its
``*_backward`` needs; the autograd layer (``rectifiers.functional``) keeps that
record between the two calls.

Images are NCHW in shape, as in PyTorch. Convolution writes its output
channels-last in *memory* and hands back an NCHW-shaped strided view of it
(see ``conv.py``); every kernel accepts any strides, so that choice is
invisible to the caller. Everything the fast kernels know about memory layout
and cache blocking, tuning constants included, is in ``_layout.py``; sliding-
window geometry in ``windows.py``.
"""

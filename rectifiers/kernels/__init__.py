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

from . import _layout


def set_num_threads(threads: int) -> None:
    """Use ``threads`` threads for the kernels' work (as ``torch.set_num_threads``).

    The default is the cores this process may use, capped by ``OMP_NUM_THREADS``
    or ``OPENBLAS_NUM_THREADS`` when set (a sweep's workers get 1), or
    ``RECTIFIERS_THREADS``. With more than one, each elementwise pass shares its
    blocks out over the threads, and so does each convolution, on one BLAS thread
    per thread (``blas.py``); with one, BLAS uses its own threads for the GEMMs.

    >>> before = get_num_threads()
    >>> set_num_threads(1); get_num_threads()
    1
    >>> set_num_threads(before)
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"set_num_threads: threads must be an int ≥ 1, got {threads!r}")
    _layout.THREADS = threads


def get_num_threads() -> int:
    """The threads the kernels use (see :func:`set_num_threads`)."""
    return _layout.THREADS

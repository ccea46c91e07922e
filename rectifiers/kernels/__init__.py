"""NumPy kernels: the forward and backward of every layer, as pure functions on arrays.

Nothing here knows about tensors or graphs. Each ``*_forward`` returns the
output and a small record of what its ``*_backward`` needs; the autograd
layer (``rectifiers.functional``) keeps that record between the two calls.

Images are NCHW in shape, as in PyTorch. Convolution writes its output
channels-last in *memory* and hands back an NCHW-shaped strided view of it
(see ``conv.py``); every kernel here accepts any strides, so that choice is
invisible to the caller.
"""

"""``Tensor``: a NumPy array that remembers how it was computed.

A tensor holds

* ``data``: the ``numpy.ndarray`` with the values (float32 unless asked otherwise),
* ``requires_grad``: whether gradients should flow to it,
* ``grad_fn``: the :class:`~rectifiers.autograd.function.Function` that produced it
  (``None`` for a *leaf*: a tensor the user made, such as a parameter),
* ``grad``: after ``backward()``, d(output)/d(this tensor), as a tensor.

Arithmetic on tensors follows NumPy (broadcasting, ``@``, indexing) and, when
some operand requires a gradient, records the operation so that
``backward()`` can run it in reverse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..random import resolve_generator
from .grad_mode import is_grad_enabled

if TYPE_CHECKING:
    from .function import Function

ArrayLike = Any
Shape = tuple[int, ...]


def as_array(data: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Turn ``data`` into the array a tensor will hold.

    NumPy arrays keep their dtype (no copy); Python floats become float32 and
    Python ints int64, as in PyTorch. Object and string arrays are refused.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        array = np.asarray(data, dtype=dtype)
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        array = np.asarray(data)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"tensors hold numbers or booleans, got dtype {array.dtype}")
    return array


class Tensor:
    """A multi-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: anything ``numpy.asarray`` accepts, or a tensor.
        requires_grad: record operations on this tensor so ``backward()`` can
            compute its gradient. Only floating-point tensors may require grad.
        dtype: the NumPy dtype; by default inferred (see :func:`as_array`).

    Examples:
        >>> import rectifiers as rf
        >>> x = rf.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # Make ``ndarray + Tensor`` call Tensor.__radd__ and make NumPy ufuncs such as
    # np.exp(tensor) fail loudly instead of silently dropping the graph.
    __array_ufunc__ = None
    __hash__ = object.__hash__  # __eq__ is elementwise, so restore identity hashing
    _counter: list[int] | None = None  # the version counter, made on first need (inplace.py)
    _hooks: dict = {}  # a leaf's gradient hooks (read-only default; see register_hook)

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data: np.ndarray = as_array(data, dtype)
        self.grad: Tensor | None = None
        self.grad_fn: Function | None = None
        self._requires_grad = False
        self.requires_grad = requires_grad

    @classmethod
    def _wrap(cls, array: np.ndarray) -> Tensor:
        """Fast constructor for arrays the library produced itself (no checks)."""
        tensor = cls.__new__(cls)
        tensor.data, tensor.grad, tensor.grad_fn, tensor._requires_grad = array, None, None, False
        return tensor

    # --- gradient bookkeeping -------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use detach() to cut "
                "a computed tensor from its graph"
            )
        if flag and self.data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        self._requires_grad = bool(flag)

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation."""
        return self.grad_fn is None

    def requires_grad_(self, flag: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``."""
        self.requires_grad = flag
        return self

    def backward(self, grad: ArrayLike | None = None, retain_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad.

        Gradients are *added* to ``leaf.grad`` (call ``zero_grad`` between steps).
        The graph is freed afterwards unless ``retain_graph=True``.

        Args:
            grad: d(loss)/d(self), same shape as ``self``; may be omitted for a
                single-element tensor (then it is 1).
            retain_graph: keep the graph so that ``backward`` can run through it again.
        """
        from .engine import backward

        backward(self, grad, retain_graph)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too after ``backward()``."""
        if self.grad_fn is not None:
            self.grad_fn.retain_output_grad(self)

    def register_hook(self, hook: Any) -> HookHandle:
        """Call ``hook(grad)`` whenever this tensor's gradient is computed; a non-None return replaces it.

        As ``torch.Tensor.register_hook``: for a leaf the hook runs before the
        gradient is added to ``.grad``; for a computed tensor, before the
        gradient flows on to its inputs. Returns a handle whose ``remove()``
        unregisters the hook.

        Examples:
            >>> import rectifiers as rf
            >>> w = rf.ones(2, requires_grad=True)
            >>> handle = w.register_hook(lambda g: g * 10)
            >>> (w * 3).sum().backward()
            >>> w.grad
            tensor([30., 30.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        owner = self if self.grad_fn is None else self.grad_fn
        attribute = "_hooks" if self.grad_fn is None else "output_hooks"
        if attribute not in vars(owner):
            setattr(owner, attribute, {})
        hooks = getattr(owner, attribute)
        key = object()
        hooks[key] = hook
        return HookHandle(hooks, key)

    def _accumulate_grad(self, grad: np.ndarray) -> None:
        if self.grad is None:
            # A copy: the engine may hand the same array to several inputs.
            self.grad = Tensor._wrap(np.array(grad, dtype=self.dtype, copy=True))
        else:
            self.grad.data += grad

    def detach(self) -> Tensor:
        """A new leaf tensor sharing this one's data (and version counter), cut from the graph."""
        tensor = Tensor._wrap(self.data)
        tensor._counter = self._version_counter()
        return tensor

    def _version_counter(self) -> list[int]:
        if self._counter is None:
            self._counter = [0]
        return self._counter

    @property
    def _version(self) -> int:
        """How many times this tensor's values were changed in place (PyTorch's ``_version``)."""
        return self._counter[0] if self._counter is not None else 0

    # --- array facts --------------------------------------------------------------
    @property
    def shape(self) -> Shape:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def size(self, dim: int | None = None) -> Any:
        """The shape (as ``torch.Tensor.size``), or the length of dimension ``dim``."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self) -> int:
        """Number of elements."""
        return self.data.size

    def dim(self) -> int:
        """Number of dimensions (as ``torch.Tensor.dim``)."""
        return self.data.ndim

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a single-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a single-element tensor, got shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous"
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={type(self.grad_fn).__name__}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # --- in-place writes (only outside the graph) --------------------------------------
    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        if is_grad_enabled() and (self.requires_grad or self.grad_fn is not None):
            raise RuntimeError(
                "in-place assignment to a tensor that is part of a graph would make its "
                "gradient wrong; do it under rectifiers.no_grad() or on a detached tensor"
            )
        self.data[_index_arrays(index)] = as_array(value)
        _inplace.bump(self)

    # In-place arithmetic: ``p -= lr * p.grad`` changes p itself, as in PyTorch (inplace.py).
    def __iadd__(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "add")

    def __isub__(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "sub")

    def __imul__(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "mul")

    def __itruediv__(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "div")

    def __ipow__(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "pow")

    def add_(self, other: ArrayLike, alpha: float = 1) -> Tensor:
        """self += alpha · other, in place."""
        return _inplace.apply(self, other if alpha == 1 else other * alpha, "add")

    def sub_(self, other: ArrayLike, alpha: float = 1) -> Tensor:
        """self −= alpha · other, in place."""
        return _inplace.apply(self, other if alpha == 1 else other * alpha, "sub")

    def mul_(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "mul")

    def div_(self, other: ArrayLike) -> Tensor:
        return _inplace.apply(self, other, "div")

    def zero_(self) -> Tensor:
        """Set every element to 0, in place."""
        return _inplace.write(self, np.zeros((), self.dtype))

    def fill_(self, value: float) -> Tensor:
        """Set every element to ``value``, in place."""
        return _inplace.write(self, np.asarray(value))

    def copy_(self, source: ArrayLike) -> Tensor:
        """Copy ``source`` (broadcast to this shape) into this tensor, in place."""
        return _inplace.write(self, np.asarray(getattr(source, "data", source)))

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """Limit every element to [min, max], in place."""
        return _inplace.write(self, np.clip(self.data, min, max))

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with draws from N(mean, std²), in place (from ``generator``, else the library's)."""
        rng = resolve_generator(generator)
        return _inplace.write(self, rng.normal(mean, std, self.shape))

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with draws from U(a, b), in place (from ``generator``, else the library's)."""
        rng = resolve_generator(generator)
        return _inplace.write(self, rng.uniform(a, b, self.shape))

    # --- arithmetic (each delegates to a Function in ops/) ------------------------------
    def _operand(self, other: ArrayLike) -> Tensor:
        """Wrap a non-tensor operand (for ``@``); Python numbers take this tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float, bool)):
            return Tensor._wrap(np.asarray(other, dtype=self.dtype))
        return Tensor._wrap(as_array(other))

    def __add__(self, other: ArrayLike) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: ArrayLike) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(self, self._operand(other))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(self._operand(other), self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    # Comparisons give boolean tensors, compare in the promoted dtype, and are not differentiable.
    def _compare(self, other: ArrayLike, compare: Any) -> Tensor:
        x, y = _ops.promote(self, other)
        return Tensor._wrap(compare(x.data, y.data))

    def __lt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    # --- elementwise functions ----------------------------------------------------
    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def softmax(self, dim: int) -> Tensor:
        return _ops.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        return _ops.log_softmax(self, dim)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        return _ops.clamp(self, min, max)

    clip = clamp

    def clone(self) -> Tensor:
        """A copy with its own memory; gradients flow back (as ``torch.Tensor.clone``)."""
        return _ops.clone(self)

    def relu(self) -> Tensor:
        """max(x, 0), with gradient 0 at x = 0 (as ``torch.relu``)."""
        return _ops.where(self.data > 0, self, 0)

    def eq(self, other: ArrayLike) -> Tensor:
        return self == other

    def ne(self, other: ArrayLike) -> Tensor:
        return self != other

    def lt(self, other: ArrayLike) -> Tensor:
        return self < other

    def le(self, other: ArrayLike) -> Tensor:
        return self <= other

    def gt(self, other: ArrayLike) -> Tensor:
        return self > other

    def ge(self, other: ArrayLike) -> Tensor:
        return self >= other

    def to(
        self,
        target: Any = None,
        dtype: Any = None,
        non_blocking: bool = False,
        copy: bool = False,
        *,
        device: Any = None,
        memory_format: Any = None,
    ) -> Tensor:
        """Convert to a dtype (``t.to(np.float64)``, ``t.to(other_tensor)``), as ``torch.Tensor.to``.

        Devices: ``"cpu"`` keeps the tensor, any other device is an error (this
        library runs on the CPU). ``copy=True`` always returns new memory;
        ``non_blocking`` and ``memory_format`` change nothing here.
        """
        if isinstance(target, Tensor):
            dtype = target.dtype
        elif isinstance(target, str) or getattr(target, "type", None) is not None:
            _check_device(target)
        elif target is not None:
            dtype = target
        if device is not None:
            _check_device(device)
        if dtype is not None and np.dtype(dtype) != self.dtype:
            return self.astype(dtype)
        return self.clone() if copy else self

    def cpu(self) -> Tensor:
        """This tensor (rectifiers keeps every tensor in CPU memory)."""
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise RuntimeError("rectifiers runs on the CPU only (NumPy); drop .cuda() or use .cpu()")

    def long(self) -> Tensor:
        return self.astype(np.int64)

    def int(self) -> Tensor:
        return self.astype(np.int32)

    def bool(self) -> Tensor:
        return self.astype(np.bool_)

    def astype(self, dtype: Any) -> Tensor:
        """Dtype conversion; differentiable between floating types (the gradient is converted back).

        To an integer or bool dtype the result is cut from the graph, as in PyTorch.
        """
        if np.dtype(dtype).kind != "f":
            return Tensor._wrap(self.data.astype(dtype))
        return _ops.cast(self, dtype)

    def float(self) -> Tensor:
        return _ops.cast(self, np.float32)

    def double(self) -> Tensor:
        return _ops.cast(self, np.float64)

    # --- reductions (PyTorch's dim/keepdim; NumPy's axis/keepdims accepted as aliases) -----
    def sum(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.sum(self, dim, keepdim, **aliases)

    def mean(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.mean(self, dim, keepdim, **aliases)

    def max(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        """All elements, ``(values, indices)`` along ``dim``, or elementwise: see :func:`rectifiers.max`."""
        return _ops.max(self, dim, keepdim, **aliases)

    def min(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        """All elements, ``(values, indices)`` along ``dim``, or elementwise: see :func:`rectifiers.min`."""
        return _ops.min(self, dim, keepdim, **aliases)

    def amax(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amax(self, dim, keepdim, **aliases)

    def amin(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amin(self, dim, keepdim, **aliases)

    def argmax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.argmin(self, dim, keepdim)

    # --- shape -----------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, shape_argument(shape))

    def view(self, *shape: Any) -> Tensor:
        """Same as :meth:`reshape` (NumPy decides whether a copy is needed)."""
        return _ops.reshape(self, shape_argument(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: int | None = None) -> Tensor:
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, shape_argument(dims))

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dimensions (PyTorch's meaning; for a full permutation use ``permute``)."""
        return _ops.transpose(self, dim0, dim1)

    @property
    def T(self) -> Tensor:
        """All dimensions reversed, as NumPy's ``.T``."""
        return _ops.permute(self, tuple(reversed(range(self.ndim))))

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, _index_arrays(index))


class HookHandle:
    """Returned by ``register_hook``: ``remove()`` unregisters the hook."""

    def __init__(self, hooks: dict, key: object) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


def _check_device(device: Any) -> None:
    name = str(getattr(device, "type", device)).split(":")[0]
    if name != "cpu":
        raise RuntimeError(
            f"device {device!r}: rectifiers runs on the CPU only (NumPy); use 'cpu' or drop .to()"
        )


def shape_argument(args: tuple) -> tuple:
    """Accept both ``t.reshape(2, 3)`` and ``t.reshape((2, 3))``."""
    if len(args) == 1 and isinstance(args[0], Sequence):
        return tuple(args[0])
    return tuple(args)


def _index_arrays(index: Any) -> Any:
    """Replace tensors inside an index by their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


from . import inplace as _inplace  # noqa: E402
from . import ops as _ops  # noqa: E402  (ops builds on Tensor, so it comes after it)

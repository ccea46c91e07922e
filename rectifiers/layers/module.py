"""``Module`` and ``Parameter``: the PyTorch-style building blocks of models.

A module owns parameters (learnable tensors), buffers (state that is saved
but not learned, such as BatchNorm's running statistics) and submodules, all
registered simply by assigning them as attributes::

    class Affine(Module):
        def __init__(self, n):
            super().__init__()
            self.scale = Parameter(np.ones(n, np.float32))
            self.register_buffer("calls", Tensor(np.zeros((), np.int64)))

        def forward(self, x):
            return x * self.scale
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from ..autograd.inplace import bump
from ..autograd.tensor import Tensor

_hook_ids = itertools.count()


class Parameter(Tensor):
    """A tensor that a module learns; ``requires_grad=True`` unless told otherwise."""

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class RemovableHandle:
    """Returned by ``register_forward_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


class Module:
    """Base class of every layer and model.

    Subclasses call ``super().__init__()`` first, assign parameters, buffers
    and submodules as attributes, and implement ``forward``. Calling the
    module runs ``forward`` and then the forward hooks.
    """

    training: bool

    # Parameters that an optimiser's weight decay would harm, by attribute name (PReLU's
    # slopes: decay pulls them to 0, back to ReLU); read by optim.param_groups_no_decay.
    no_weight_decay: tuple[str, ...] = ()
    # True for normalisation layers (their γ and β): param_groups_no_decay can exempt them too.
    is_normalization: bool = False

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "training", True)

    # --- registration -------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() first"
            )
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        elif name in self.__dict__.get("_buffer_names", ()):
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Tensor | None) -> None:
        """Register state that belongs in ``state_dict`` but is not learned."""
        self.__dict__.setdefault("_buffer_names", set()).add(name)
        setattr(self, name, tensor)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register a parameter (``None`` records an absent one, e.g. ``bias=False``)."""
        if param is None:
            self._parameters[name] = None
            self.__dict__.pop(name, None)
        else:
            setattr(self, name, param)

    # --- calling ------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            output = self.forward(*args, **kwargs)
        except (TypeError, ValueError) as error:
            _name_the_layer(error, self)
            raise
        for hook in list(self._forward_hooks.values()):
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        return output

    def register_forward_hook(self, hook: Callable[[Module, tuple, Any], Any]) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward; a non-None return replaces the output."""
        key = next(_hook_ids)
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    # --- traversal ----------------------------------------------------------------
    def named_modules(
        self, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every submodule (depth first, pre-order), with dotted names.

        A module reachable under several names is given once (its first name),
        unless ``remove_duplicate=False`` (as ``state_dict`` uses it: PyTorch
        saves a shared module's tensors under every name).
        """
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate and id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{k}" if name else k, m)
                for k, m in module._modules.items()
                if m is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry: str, recurse: bool) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{prefix}.{name}" if prefix else name), value

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter once, with its dotted name (``"0.weight"``)."""
        yield from self._named_members("_parameters", recurse)  # type: ignore[misc]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse):
            yield b

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule, children before parents, in PyTorch's order.

        The order is a post-order walk (each child's subtree in registration
        order, then the module itself), without recursion.
        """
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            module, children_done = stack.pop()
            if children_done:
                fn(module)
                continue
            stack.append((module, True))
            stack.extend((child, False) for child in reversed(list(module.children())))
        return self

    # --- modes and gradients ----------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch statistics) on this module and all below."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (to None, or to zeros)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.data[...] = 0

    def to(self, dtype: Any) -> Module:
        """Convert every floating parameter and buffer to ``dtype`` (in place)."""
        dtype = np.dtype(dtype)
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                tensor.grad = None
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    # --- state --------------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of every parameter and buffer as NumPy arrays, by dotted name.

        (PyTorch returns tensors sharing storage; copies cannot change under a
        running optimiser, and arrays are what ``rectifiers.save`` writes.)
        """
        state = OrderedDict()
        for prefix, module in self.named_modules(remove_duplicate=False):
            for registry in (module._parameters, module._buffers):
                for name, value in registry.items():
                    if value is not None:
                        state[f"{prefix}.{name}" if prefix else name] = value.data.copy()
        return state

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into this module's parameters and buffers: all of them, or none.

        Every value is checked before anything is written: its shape must be
        the target's, and its dtype of the same kind (floating values for
        floating tensors, cast as PyTorch casts float64 to float32; integers
        for integer buffers). With ``strict=True`` the keys must match exactly.

        Raises:
            RuntimeError: listing every problem found (missing and unexpected
                keys, shape and dtype mismatches); the module is then unchanged.
        """
        targets = {}
        for prefix, module in self.named_modules(remove_duplicate=False):
            for registry in (module._parameters, module._buffers):
                for name, value in registry.items():
                    if value is not None:
                        targets[f"{prefix}.{name}" if prefix else name] = value
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems = []
        if strict and (missing or unexpected):
            problems.append(f"missing keys {missing}, unexpected keys {unexpected}")
        values = {}
        for key, target in targets.items():
            if key in state_dict:
                values[key] = _loadable(key, state_dict[key], target, problems)
        if problems:
            raise RuntimeError(
                f"Error(s) in load_state_dict for {type(self).__name__} (nothing was loaded): "
                + "; ".join(problems)
            )
        for key, value in values.items():
            targets[key].data[...] = value
            bump(targets[key])
        return IncompatibleKeys(missing, unexpected)

    # --- printing -----------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside this module's parentheses in ``repr``."""
        return ""

    def __repr__(self) -> str:
        lines = [
            f"({name}): " + repr(child).replace("\n", "\n  ")
            for name, child in self._modules.items()
        ]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _loadable(key: str, raw: Any, target: Tensor, problems: list[str]) -> np.ndarray | None:
    """``raw`` as an array ready to copy into ``target``, or None after noting why not."""
    value = np.asarray(getattr(raw, "data", raw)) if raw is not None else None
    if value is None or value.dtype.kind not in "biuf":
        problems.append(
            f"{key} holds {type(raw).__name__} {getattr(value, 'dtype', '')}, not numbers"
        )
        return None
    if value.shape != target.shape:
        problems.append(
            f"{key} has shape {value.shape} in the state dict but {target.shape} in the model"
        )
    floating_target = target.dtype.kind == "f"
    if (value.dtype.kind == "f") != floating_target:
        problems.append(
            f"{key} has dtype {value.dtype} in the state dict but {target.dtype} in the model"
        )
    return value


def _name_the_layer(error: Exception, module: Module) -> None:
    """Start a bad-input error's message with the layer it happened in, once (the innermost).

    Only on the error path: the functional forms check their inputs and name
    themselves ("conv2d: …"); the layer's repr, with its sizes, is added here,
    so no forward pays for formatting it. Containers pass the error on unchanged.
    """
    if getattr(error, "_layer_named", False) or module._modules:
        return
    if error.args and isinstance(error.args[0], str):
        error.args = (f"{module!r}: {error.args[0]}", *error.args[1:])
    error._layer_named = True

"""``nn.Module`` and ``nn.Sequential``: the registration, traversal and printing PyTorch does.

Assigning a Parameter or a Module to an attribute registers it (``__setattr__``), in order, which is
what ``parameters()``, ``state_dict()`` and the printed tree follow. Traversals are iterative
(pre-order with an explicit stack), so deep nestings need no recursion.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from gradviz.autograd import module_calls as _module_calls
from gradviz.autograd.class_names import present_as
from gradviz.autograd.grad_mode import no_grad
from gradviz.autograd.node import RemovableHandle
from gradviz.autograd.tensor import Tensor
from gradviz.torch.nn.parameter import Parameter

if TYPE_CHECKING:
    from gradviz.autograd.dtypes import DType

__all__ = ["Module", "Sequential", "clear_grad"]


def _indent(text: str, spaces: int) -> str:
    """Indent every line but the first (a child's repr continues the ``(name): `` line)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


class StateDict(OrderedDict):
    """What ``state_dict()`` returns: an OrderedDict printed as one. A gradviz type, so the
    sandbox lets learners call its dict methods (``sd.keys()``) as on PyTorch's OrderedDict."""

    def __repr__(self) -> str:
        return repr(OrderedDict(self))


class IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    def __str__(self) -> str:
        return repr(self)


# What type() shows of them: PyTorch's classes (state_dict() returns a plain OrderedDict there).
present_as(StateDict, "collections", "OrderedDict")
present_as(IncompatibleKeys, "torch.nn.modules.module", "_IncompatibleKeys")


class Module:
    """Base class of every layer and model; subclasses define ``forward``."""

    training: bool
    # Set in __init__ with object.__setattr__ (this class's __setattr__ reads them).
    _parameters: OrderedDict[str, Parameter | None]
    _buffers: OrderedDict[str, Tensor | None]
    _non_persistent: set[str]
    _modules: OrderedDict[str, Module | None]
    _forward_pre_hooks: OrderedDict[int, Callable[..., Any]]
    _forward_pre_hooks_with_kwargs: set[int]
    _forward_hooks: OrderedDict[int, Callable[..., Any]]
    _forward_hooks_with_kwargs: set[int]
    _backward_hooks: OrderedDict[int, Callable[..., Any]]

    def __init__(self, *args: object, **kwargs: object) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks_with_kwargs", set())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks_with_kwargs", set())
        object.__setattr__(self, "_backward_hooks", OrderedDict())

    # -- attribute registration ----------------------------------------------------------------
    def __setattr__(self, name: str, value: object) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as parameter '{name}' (torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, None)
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as child module '{name}' (torch.nn.Module or None expected)"
                )
            modules[name] = None
            return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as buffer '{name}' (torch.Tensor or None expected)"
                )
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Drop ``name`` from the other tables; the kept one keeps its position on reassignment."""
        self.__dict__.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            if table != keep:
                self.__dict__[table].pop(name, None)
        self.__dict__["_non_persistent"].discard(name)

    def __getattr__(self, name: str) -> Tensor | Module:
        # Only reached when normal lookup fails: registered parameters, buffers and modules.
        state = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            entries = state.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                del entries[name]
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        for table in ("_parameters", "_buffers", "_modules"):
            names.update(self.__dict__.get(table, {}))
        return sorted(names)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters "
                "must be created explicitly. To express '{name}' as a function of another "
                "Tensor, compute the value in the forward() method."
            )
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' (torch Tensor or None required)"
            )
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        if "_modules" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        self.__dict__.pop(name, None)
        self._modules[name] = module

    register_module = add_module

    # -- calling ------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The ops this call records remember it (their module path), hooks included; no frame is
        # added, so tracebacks and hook order are PyTorch's.
        outer = _module_calls.current
        _module_calls.current = _module_calls.ModuleCall(self, outer)
        try:
            state = self.__dict__
            if not (state.get("_forward_pre_hooks") or state.get("_forward_hooks") or state.get("_backward_hooks")):
                return self.forward(*args, **kwargs)
            return call_with_hooks(self, args, kwargs)
        finally:
            _module_calls.current = outer

    # -- hooks (PyTorch's _call_impl order: pre-hooks, backward-hook inputs, forward, hooks) ----------
    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        handle = RemovableHandle(self._forward_pre_hooks)
        _insert_hook(self._forward_pre_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        handle = RemovableHandle(self._forward_hooks)
        _insert_hook(self._forward_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        return handle

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        handle = RemovableHandle(self._backward_hooks)
        _insert_hook(self._backward_hooks, handle.id, hook, prepend)
        return handle

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        raise NotImplementedError(
            "gradviz: Module.register_backward_hook (the deprecated non-full form) is not supported; "
            "use register_full_backward_hook"
        )

    # -- traversal ------------------------------------------------------------------------------
    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        seen: set[int] = memo if memo is not None else set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child) for key, child in module._modules.items() if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, table: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:  # Parameters, buffers or modules, by the table asked for
        seen: set[int] = set()
        owners = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for owner_name, owner in owners:
            for key, value in owner.__dict__[table].items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield (f"{owner_name}.{key}" if owner_name else key), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        # A generator of its own, so it prints as <generator object Module.named_parameters ...>.
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], object]) -> Module:
        """Call ``fn`` on every submodule, then on self: PyTorch's post-order (children() of each
        module in registration order, depth first), so initialisers draw random numbers in its order."""
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            module, expanded = stack.pop()
            if expanded:
                fn(module)
                continue
            stack.append((module, True))
            stack.extend((child, False) for child in reversed(list(module.children())))
        return self

    def get_submodule(self, target: str) -> Module:
        if target == "":
            return self
        module: Module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            found = getattr(module, item)
            if not isinstance(found, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
            module = found
        return module

    # -- training state -----------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for param in self.parameters():
            clear_grad(param, set_to_none)

    # -- state ----------------------------------------------------------------------------------
    def state_dict(
        self,
        *args: object,
        destination: OrderedDict[str, Tensor] | None = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> OrderedDict[str, Tensor]:
        result: OrderedDict[str, Tensor] = StateDict() if destination is None else destination
        for owner_name, owner in self.named_modules(prefix=prefix.rstrip(".")):
            base = f"{owner_name}." if owner_name else ""
            for key, param in owner._parameters.items():
                if param is not None:
                    result[base + key] = param if keep_vars else param.detach()
            for key, buffer in owner._buffers.items():
                if buffer is not None and key not in owner._non_persistent:
                    result[base + key] = buffer if keep_vars else buffer.detach()
        return result

    def load_state_dict(
        self, state_dict: Mapping[str, Tensor], strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors: list[str] = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            source = state_dict[key]
            if not isinstance(source, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(source)}"
                )
            elif tuple(source.shape) != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {source.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}."
                )
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    target._data[...] = state_dict[key]._data
                    target._version_counter[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # -- printing -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _indent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    # -- device and dtype (CPU only) ------------------------------------------------------------
    def to(self, *args: object, **kwargs: object) -> Module:
        from gradviz.autograd.device import to_arguments

        # Tensor.to's overloads; the device must be the CPU (gradviz.autograd.device).
        _where, target, _copy = to_arguments(args, kwargs)
        if target is not None:
            if not target.is_floating_point:
                raise TypeError(
                    f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={target}"
                )
            self._cast(target)
        return self

    def cpu(self) -> Module:
        return self

    def cuda(self, *args: object, **kwargs: object) -> Module:
        raise AssertionError("Torch not compiled with CUDA enabled")

    def float(self) -> Module:
        from gradviz.autograd import dtypes

        return self._cast(dtypes.float32)

    def double(self) -> Module:
        from gradviz.autograd import dtypes

        return self._cast(dtypes.float64)

    def _cast(self, dtype: DType) -> Module:
        for tensor in list(self.parameters()) + list(self.buffers()):
            if tensor.dtype.is_floating_point and tensor.dtype is not dtype:
                tensor._data = tensor._data.astype(dtype.np)
                tensor.dtype = dtype
                if tensor._grad is not None:
                    tensor._grad = None
        return self


def _insert_hook(hooks: OrderedDict[int, Any], key: int, hook: Callable[..., Any], prepend: bool) -> None:
    hooks[key] = hook
    if prepend:
        hooks.move_to_end(key, last=False)


def call_with_hooks(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Module.__call__ with hooks, in PyTorch's order: forward pre-hooks (each may replace the
    arguments), inputs wrapped for full backward hooks, forward, forward hooks (each may replace the
    output), outputs wrapped for full backward hooks."""
    from gradviz.torch.nn._backward_hooks import BackwardHookState

    for key, hook in list(module._forward_pre_hooks.items()):
        if key in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {result}."
                    )
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    backward_state = None
    if module._backward_hooks:
        backward_state = BackwardHookState(module, list(module._backward_hooks.values()))
        args = backward_state.wrap_inputs(args)
    output = module.forward(*args, **kwargs)
    for key, hook in list(module._forward_hooks.items()):
        if key in module._forward_hooks_with_kwargs:
            result = hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result
    if backward_state is not None:
        output = backward_state.wrap_outputs(output)
    return output


def _type_name(value: object) -> str:
    if isinstance(value, Tensor):
        return value.dtype.legacy_name
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def clear_grad(param: Tensor, set_to_none: bool) -> None:
    """What ``zero_grad`` does to one parameter: drop the grad, or zero it in place."""
    grad = param._grad
    if grad is None:
        return
    if set_to_none:
        param._grad = None
        return
    if grad.grad_fn is not None:
        grad.detach_()
    else:
        grad._requires_grad = False
    grad._data[...] = 0
    grad._version_counter[0] += 1


class Sequential(Module):
    """Modules run in order; ``Sequential(OrderedDict(...))`` keeps the given names."""

    def __init__(self, *args: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, named in args[0].items():
                self.add_module(key, named)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), cast("Module", module))  # add_module refuses what is not

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        # (a child set to None stays in the table, as in PyTorch)
        return cast("Iterator[Module]", iter(self._modules.values()))

    def __getitem__(self, index: int | slice) -> Module | None:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return type(self)(OrderedDict(cast("list[tuple[str, Module]]", items[index])))
        size = len(items)
        position = int(index)
        if not -size <= position < size:
            raise IndexError(f"index {position} is out of range")
        return items[position % size][1]

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self

    def forward(self, input: Any) -> Any:
        value = input
        for module in self:
            value = module(value)
        return value

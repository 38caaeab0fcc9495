"""``nn.ModuleList``, ``nn.ModuleDict``, ``nn.ParameterList`` and ``nn.ParameterDict``: registering
containers with PyTorch's indexing, mutation and printed forms (ModuleList folds repeated
entries as ``(0-2): 3 x Linear(...)``; the parameter containers print one summary line each)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from gradviz.autograd.tensor import Tensor
from gradviz.torch.nn.modules import Module, _indent
from gradviz.torch.nn.parameter import Parameter

__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList"]


def _check_index(index: int, size: int, kind: str) -> int:
    position = int(index)
    if not -size <= position < size:
        raise IndexError(f"index {position} is out of range")
    return position % size


class ModuleList(Module):
    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(module for module in self._modules.values() if module is not None)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])  # type: ignore[arg-type]
        keys = list(self._modules)
        return self._modules[keys[_check_index(index, len(keys), "ModuleList")]]

    def __setitem__(self, index: int, module: Module) -> None:
        keys = list(self._modules)
        self.add_module(keys[_check_index(index, len(keys), "ModuleList")], module)

    def __delitem__(self, index: int | slice) -> None:
        keys = list(self._modules)
        if isinstance(index, slice):
            for key in keys[index]:
                del self._modules[key]
        else:
            del self._modules[keys[_check_index(index, len(keys), "ModuleList")]]
        values = list(self._modules.values())
        self._modules.clear()
        for i, module in enumerate(values):
            self._modules[str(i)] = module

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        combined = ModuleList()
        for module in [*self, *other]:
            combined.append(module)
        return combined

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if not isinstance(modules, Iterable) or isinstance(modules, Tensor):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got {type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        for i, item in enumerate(values):
            self.add_module(str(i), item)

    def pop(self, key: int = -1) -> Module:
        item = self[key]
        del self[key]
        return item

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __repr__(self) -> str:
        reprs = [repr(module) for module in self]
        if not reprs:
            return self._get_name() + "()"
        blocks: list[tuple[int, int, str]] = []
        for index, text in enumerate(reprs):
            if blocks and blocks[-1][2] == text:
                start, _, _ = blocks[-1]
                blocks[-1] = (start, index, text)
            else:
                blocks.append((index, index, text))
        lines = []
        for start, end, text in blocks:
            if start == end:
                line = f"({start}): {text}"
            else:
                line = f"({start}-{end}): {end - start + 1} x {text}"
            lines.append(_indent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]  # type: ignore[return-value]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()  # type: ignore[return-value]

    def values(self) -> Iterable[Module]:
        return self._modules.values()  # type: ignore[return-value]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        if isinstance(modules, (OrderedDict, ModuleDict, dict)):
            for key, module in modules.items():
                self[key] = module
            return
        for number, entry in enumerate(cast("Iterable[Any]", modules)):
            if not isinstance(entry, (list, tuple)):
                raise TypeError(
                    f"ModuleDict update sequence element #{number} should be Iterable; is {type(entry).__name__}"
                )
            if len(entry) != 2:
                raise ValueError(f"ModuleDict update sequence element #{number} has length {len(entry)}; 2 is required")
            self[entry[0]] = entry[1]

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


def _parameter_line(key: object, value: object, type_name: bool = False) -> str:
    """One entry of the printed form: ParameterList names the dtype, ParameterDict the tensor type."""
    if isinstance(value, Tensor):
        size = "x".join(str(s) for s in value.shape)
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        what = value.dtype.legacy_name if type_name else value.dtype
        return f"  ({key}): {kind} containing: [{what} of size {size}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


def _as_parameter(value: object) -> object:
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


class ParameterList(Module):
    def __init__(self, values: Iterable[object] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return int(self.__dict__["_size"])

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(len(self))[index]])
        position = _check_index(index, len(self), "ParameterList")
        return getattr(self, str(position))

    def __setitem__(self, index: int, value: object) -> None:
        position = _check_index(index, len(self), "ParameterList")
        setattr(self, str(position), _as_parameter(value))

    def __iter__(self) -> Iterator[Any]:
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[object]) -> ParameterList:
        return self.extend(values)

    def append(self, value: object) -> ParameterList:
        index = len(self)
        object.__setattr__(self, "_size", index + 1)
        setattr(self, str(index), _as_parameter(value))
        return self

    def extend(self, values: Iterable[object]) -> ParameterList:
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(i, value) for i, value in enumerate(self))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


class ParameterDict(Module):
    def __init__(self, parameters: Mapping[str, object] | Iterable[tuple[str, object]] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: object) -> None:
        self.__dict__["_keys"][key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self.__dict__["_keys"][key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self.__dict__["_keys"])

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.__dict__["_keys"]))

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__["_keys"]

    def keys(self) -> Iterable[str]:
        return list(self.__dict__["_keys"])

    def items(self) -> Iterable[tuple[str, Any]]:
        return [(key, self[key]) for key in self.__dict__["_keys"]]

    def values(self) -> Iterable[Any]:
        return [self[key] for key in self.__dict__["_keys"]]

    def get(self, key: str, default: object = None) -> Any:
        if key in self.__dict__["_keys"]:
            return self[key]
        return default

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        for key in list(self.__dict__["_keys"]):
            del self[key]

    def update(self, parameters: Mapping[str, object] | Iterable[tuple[str, object]]) -> None:
        if isinstance(parameters, Mapping):
            items = parameters.items()
            if not isinstance(parameters, (OrderedDict, ParameterDict)):
                items = sorted(items)  # type: ignore[assignment]
            for key, value in items:
                self[key] = value
            return
        for key, value in parameters:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(key, value, type_name=True) for key, value in self.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

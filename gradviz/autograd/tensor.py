"""The Tensor: numpy data plus PyTorch's autograd state.

Fields mirror what PyTorch keeps per tensor: ``requires_grad``, ``grad``, ``grad_fn`` with the
output number, a version counter shared by views, hooks, and ``retain_grad``. Ops live in the op
table (gradviz/autograd/ops): its variant table attaches the op methods (``add``, ``__mul__``,
``add_``...) when this module is imported, and ``tensor_methods.pyi`` declares them for type
checkers and editors.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from gradviz.autograd import device as _device
from gradviz.autograd import dtypes
from gradviz.autograd import grad_mode as _grad_mode
from gradviz.autograd.dtypes import DType
from gradviz.autograd.ids import next_uid
from gradviz.autograd.node import AccumulateGrad, Node, RemovableHandle
from gradviz.autograd.printing import format_size, format_tensor
from gradviz.autograd.provenance import current_span
from gradviz.runner.limits import check_elements

if TYPE_CHECKING:
    from gradviz.autograd.node import Hook
    from gradviz.autograd.ops.registry import ViewFn
    from gradviz.autograd.tensor_methods import TensorMethods as _OpMethods
    from gradviz.autograd.types import DTypeLike, Scalar
    from gradviz.runner.results import SourceSpan
else:
    _OpMethods = object  # the op methods are attached below, from the variant table

__all__ = ["NONLEAF_GRAD_WARNING", "Size", "Tensor"]

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)
SCALAR_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)"
)
FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"


class Size(tuple):
    """torch.Size: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return format_size(self)

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class Tensor(_OpMethods):
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_data",
        "_grad",
        "_output_nr",
        "_requires_grad",
        "_version_counter",
        "dtype",
        "grad_fn",
        "span",
        "uid",
    )

    _data: np.ndarray
    _grad: Tensor | None
    _output_nr: int
    _requires_grad: bool
    _version_counter: list[int]  # shared by a tensor and its views: one list, one count
    dtype: DType
    grad_fn: Node | None
    span: SourceSpan | None  # where in the learner's script it was made
    uid: int

    # Rarely set state lives in the instance dict only when set; these class defaults keep
    # creating a tensor (the engine's hottest path) down to the fields every tensor needs.
    _base: Tensor | None = None  # the tensor this one is a differentiable view of
    _view_fn: ViewFn | None = None  # base array -> this view's region (for CopySlices)
    _hooks: dict[int, Hook] | None = None
    _post_accumulate_hooks: dict[int, Hook] | None = None
    _retains_grad = False
    _grad_accumulator: AccumulateGrad | None = None
    _wrapped_number = False  # a Python number wrapped as a 0-d tensor (the 1 in y + 1)
    _is_param = False
    _origin: str | None = None  # "no_grad", "detach" or "data": why a result has no grad history
    _is_inference = False  # made inside torch.inference_mode()
    _multi_output_view = False  # a row of unbind (or a view of one): PyTorch refuses in-place writes

    # -- construction ---------------------------------------------------------------------------
    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        from gradviz.autograd.copying import deepcopy_tensor

        if id(self) in memo:
            return memo[id(self)]
        return deepcopy_tensor(self, memo)

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # torch.Tensor(data) or torch.Tensor(*sizes)
        # The legacy constructor's rules (sizes, data, another tensor) are in gradviz.autograd.legacy.
        from gradviz.autograd.legacy import legacy_data

        data, dtype = legacy_data(None, args, kwargs)
        Tensor._init(self, data, dtype)

    @staticmethod
    def _init(self: Tensor, data: np.ndarray, dtype: DType) -> None:
        self._data = data
        self.dtype = dtype
        self._requires_grad = False
        self.grad_fn = None
        self._output_nr = 0
        self._grad = None
        self._version_counter = [0]
        self.uid = next_uid()
        self.span = current_span()
        if _grad_mode._inference:
            self._is_inference = True

    @classmethod
    def _make(cls, data: np.ndarray, dtype: DType) -> Tensor:
        if data.size > 1_000_000:
            check_elements(int(data.size))
        tensor = object.__new__(cls)
        Tensor._init(tensor, data, dtype)
        return tensor

    # -- autograd state -------------------------------------------------------------------------
    @property
    def gid(self) -> str:
        return f"t{self.uid}"

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            if value:
                raise RuntimeError("you can only change requires_grad flags of leaf variables.")
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.grad_fn is None and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError(
                    f"attempting to assign a gradient of size '[{', '.join(map(str, value.shape))}]' to a tensor "
                    f"of size '[{', '.join(map(str, self.shape))}]'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
        self._grad = value

    def _gradient_edge(self) -> tuple[Node | None, int]:
        if self.grad_fn is not None:
            return (self.grad_fn, self._output_nr)
        if self._requires_grad:
            return (self._accumulator(), 0)
        return (None, 0)

    def _accumulator(self) -> AccumulateGrad:
        if self._grad_accumulator is None:
            self._grad_accumulator = AccumulateGrad(self)
        return self._grad_accumulator

    def retain_grad(self) -> None:
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self.grad_fn._own("_retains_grad")[self._output_nr] = self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.add_tensor_pre_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = {}
        handle = RemovableHandle(self._post_accumulate_hooks)
        self._post_accumulate_hooks[handle.id] = hook
        return handle

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None:
        from gradviz.autograd.engine import backward

        backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        out = Tensor._make(self._data, self.dtype)
        out._version_counter = self._version_counter  # detach() shares the version counter
        if self._requires_grad:
            out._origin = "detach"
        return out

    def detach_(self) -> Tensor:
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    @property
    def data(self) -> Tensor:
        # .data shares storage but not the version counter: autograd cannot see changes made
        # through it, which is exactly why tutorials warn about it.
        out = Tensor._make(self._data, self.dtype)
        if self._requires_grad:
            out._origin = "data"
        return out

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError("Variable data has to be a tensor, but got " + type(value).__name__)
        self._data = value._data
        self.dtype = value.dtype

    # -- metadata -------------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @overload
    def size(self, dim: None = None) -> Size: ...
    @overload
    def size(self, dim: int) -> int: ...
    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_functional._norm_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    @property
    def device(self) -> _device.device:
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return True

    def get_device(self) -> int:
        return -1  # PyTorch's answer for a CPU tensor

    def is_inference(self) -> bool:
        return self._is_inference

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    @overload
    def stride(self, dim: None = None) -> tuple[int, ...]: ...
    @overload
    def stride(self, dim: int) -> int: ...
    def stride(self, dim: int | None = None) -> tuple[int, ...] | int:
        strides = dtypes.element_strides(self._data)
        return strides if dim is None else strides[dim]

    def cpu(self, memory_format: object = None) -> Tensor:
        return self

    def cuda(self, device: object = None, non_blocking: bool = False, memory_format: object = None) -> Tensor:
        if device is not None and not isinstance(device, int) and _device.parse_device(device).type != "cuda":
            raise RuntimeError("Invalid device, must be cuda device")
        raise AssertionError(_device.NO_CUDA)

    # -- conversion -----------------------------------------------------------------------------
    def item(self) -> Scalar:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self) -> Any:  # nested lists of Python numbers, or one number for a 0-d tensor
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def to(self, *args: object, **kwargs: object) -> Tensor:
        """``to(device, dtype)``, ``to(dtype)``, ``to(other)``: the CPU is the only device (see
        gradviz.autograd.device); a new tensor only for another dtype or ``copy=True``."""
        _where, target, copy = _device.to_arguments(args, kwargs)
        if target is None:
            target = self.dtype
        if target is self.dtype and not copy:
            return self
        result = _functional.to_dtype(self, target)
        if copy and np.shares_memory(result._data, self._data):
            result._data = result._data.copy()
        return result

    def contiguous(self) -> Tensor:
        return self if self._data.flags.c_contiguous else _functional.clone(self)

    # -- printing -------------------------------------------------------------------------------
    def _grad_suffix(self) -> str | None:
        if self.grad_fn is not None:
            return f"grad_fn=<{self.grad_fn.display_name}>"
        if self._requires_grad:
            return "requires_grad=True"
        return None

    def __repr__(self) -> str:
        prefix = "Parameter containing:\ntensor(" if self._is_param else "tensor("
        return format_tensor(
            self._data,
            self.dtype.name,
            self._grad_suffix(),
            prefix=prefix,
            default_dtype=dtypes.get_default_dtype().name,  # its dtype goes unsaid (set_default_dtype)
        )

    def __format__(self, spec: str) -> str:
        # PyTorch formats a 0-d plain tensor as its number; anything else only with an empty spec.
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        if spec:
            raise TypeError(f"unsupported format string passed to {type(self).__name__}.__format__")
        return str(self)

    # -- Python protocol ------------------------------------------------------------------------
    __hash__ = object.__hash__

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_shape.unbind(self, 0))  # PyTorch iterates over unbind(0): one UnbindBackward0 for all rows

    def __bool__(self) -> bool:
        if self._data.size != 1:
            amount = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return bool(self._data.reshape(()).item())

    def _python_scalar(self, warn: bool) -> Scalar:
        if warn and self._requires_grad:
            # float() and complex() warn (once per process), int() and .item() do not, as in PyTorch.
            from gradviz.autograd.warn_once import warn_once

            warn_once(SCALAR_WARNING, stacklevel=4)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        return float(self._python_scalar(warn=True))

    def __complex__(self) -> complex:
        return complex(self._python_scalar(warn=True))

    def __int__(self) -> int:
        return int(self._python_scalar(warn=False))

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __pos__(self) -> Tensor:
        return self

    @property
    def T(self) -> Tensor:
        return _shape.reverse_dims(self)

    @property
    def mT(self) -> Tensor:
        return _shape.matrix_transpose(self, "mT")

    @property
    def mH(self) -> Tensor:
        return _shape.matrix_transpose(self, "mH")

    @property
    def H(self) -> Tensor:
        return _shape.matrix_transpose(self, "H")

    if not TYPE_CHECKING:  # type checkers should flag a misspelt name, not read it as Any

        def __getattr__(self, name: str) -> object:
            # Reached only for names the class does not define: say clearly that the op is missing
            # instead of pretending (an AttributeError, as Python expects, with a helpful text).
            if name.startswith("__"):
                raise AttributeError(name)
            from gradviz.autograd.unsupported import is_torch_tensor_method, not_supported

            if is_torch_tensor_method(name):
                raise not_supported(f"Tensor.{name}")
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")

    # Conversions named like builtins come last, so the annotations above still mean the builtins.
    @overload
    def type(self, dtype: None = None) -> str: ...
    @overload
    def type(self, dtype: DTypeLike) -> Tensor: ...
    def type(self, dtype: DTypeLike | None = None) -> str | Tensor:
        if dtype is None:
            return self.dtype.legacy_name
        return self.to(dtypes.as_dtype(dtype))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool_)


# The op table imports nothing from this module at import time; wire both directions here:
# the table's functions make Tensors, and Tensor's op methods are the table's public variants.
from gradviz.autograd.ops import functional as _functional  # noqa: E402
from gradviz.autograd.ops import registry as _registry  # noqa: E402
from gradviz.autograd.ops import shape as _shape  # noqa: E402
from gradviz.autograd.ops.variants import VARIANTS as _VARIANTS  # noqa: E402

_registry.bind_tensor_class(Tensor)
_VARIANTS.install_methods(Tensor)

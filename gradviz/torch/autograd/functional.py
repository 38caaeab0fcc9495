"""``torch.autograd.functional``: jacobian, hessian, vjp, jvp, hvp and vhp of a Python function.

Built on ``autograd.grad`` the way PyTorch 2.13 builds them, so the answers, their nesting (a tuple
per output, then per input, a bare tensor where a bare tensor went in), the ``create_graph`` and
``strict`` behaviour and the error texts are PyTorch's:

* inputs are detached copies that require grad (with ``create_graph=True``, inputs that already
  require grad are viewed instead, so the result stays connected to them);
* a Jacobian is built row by row, one ``grad`` call per output element, rows stacked;
* ``jvp`` and ``hvp`` use the double-backward trick (the grad of a grad with respect to a zero
  cotangent that requires grad), as PyTorch does without forward-mode AD;
* results are detached unless ``create_graph=True``.

``vectorize=True`` asks PyTorch to batch the rows with vmap; the numbers are the same as the
row-by-row loop, which is what gradviz computes (with ``create_graph=True`` the recorded graph
would differ from PyTorch's, so that combination is refused). ``strategy="forward-mode"`` needs
forward-mode AD, which gradviz does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from gradviz.autograd import grad_mode
from gradviz.autograd.engine import grad as _grad
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.tensor import Tensor
from gradviz.autograd.unsupported import not_supported

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Stage = Literal["back", "back_trick", "double_back", "double_back_trick"]
Check = Literal["outputs", "grad_inputs", "jacobian", "hessian"]
Tensors = tuple[Tensor, ...]
MaybeTensors = tuple[Tensor | None, ...]


def _as_tuple(value: object, arg_name: str, fn_name: str) -> tuple[bool, Tensors]:
    """(was it a tuple, the tensors as a tuple), refusing anything that is not a tensor."""
    is_tuple = isinstance(value, tuple)
    items: tuple[object, ...] = value if isinstance(value, tuple) else (value,)
    for index, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {index} has type" if is_tuple else f"the given {arg_name} has type"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but {where} "
                f"{type(item)}."
            )
    return is_tuple, items  # type: ignore[return-value]


def _unpack(result: Sequence[Any], is_tuple: bool) -> Any:
    return tuple(result) if is_tuple else result[0]


def _unpack_nested(result: Sequence[Sequence[Any]], outer: bool, inner: bool) -> Any:
    rows = [tuple(row) if inner else row[0] for row in result]
    return tuple(rows) if outer else rows[0]


def _prepare(inputs: Tensors, create_graph: bool, need_graph: bool) -> Tensors:
    # Always a new tensor object, so the function's inputs can be told apart from the same
    # tensors captured by the function from outside.
    prepared = []
    for item in inputs:
        if create_graph and item.requires_grad:
            prepared.append(_F.view_as(item, item))
        else:
            prepared.append(item.detach().requires_grad_(need_graph))
    return tuple(prepared)


def _finish(values: Any, create_graph: bool) -> Any:
    if isinstance(values, Tensor):
        return values if create_graph else values.detach()
    return tuple(_finish(v, create_graph) for v in values)


def _check_v(v: Tensors, other: Tensors, other_is_tuple: bool) -> None:
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for index, (item, reference) in enumerate(zip(v, other)):
        if item.size() != reference.size():
            prefix = f"Entry {index} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {reference.size()} but got {item.size()}.")


def _check_requires_grad(values: MaybeTensors, kind: Check, strict: bool) -> None:
    if not strict:
        return
    for index, value in enumerate(values):
        if value is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {index}. This is not "
                "allowed in strict mode."
            )
        if value.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {index} is independent of "
                "the input. This is not allowed in strict mode. You should ensure that your function is "
                "thrice differentiable and that the hessian depends on the inputs."
            )
        if kind == "jacobian":
            raise RuntimeError(
                "While computing the hessian, found that the jacobian of the user-provided function with "
                f"respect to input {index} is independent of the input. This is not allowed in strict mode. "
                "You should ensure that your function is twice differentiable and that the jacobian depends "
                "on the inputs (this would be violated by a linear function for example)."
            )
        if kind == "grad_inputs":
            raise RuntimeError(
                f"The gradient with respect to input {index} is independent of the inputs of the "
                "user-provided function. This is not allowed in strict mode."
            )
        raise RuntimeError(
            f"Output {index} of the user-provided function does not require gradients. The outputs must be "
            "computed in a differentiable manner from the input when running in strict mode."
        )


def _grads(
    outputs: MaybeTensors,
    inputs: Tensors,
    grad_outputs: MaybeTensors | None = None,
    create_graph: bool = False,
    retain_graph: bool | None = None,
) -> MaybeTensors:
    """``autograd.grad`` over the outputs that require grad (None for every input if none does)."""
    cotangents: MaybeTensors = grad_outputs if grad_outputs is not None else (None,) * len(outputs)
    kept = [(out, cot) for out, cot in zip(outputs, cotangents) if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return tuple(
        _grad(
            [out for out, _ in kept],
            list(inputs),
            [cot for _, cot in kept],
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=True,
        )
    )


def _fill_in_zeros(grads: MaybeTensors, refs: Tensors, strict: bool, create_graph: bool, stage: Stage) -> Tensors:
    filled = []
    for index, value in enumerate(grads):
        if value is None:
            if strict:
                raise RuntimeError(_NONE_MESSAGES[stage].format(i=index))
            value = _zeros_like(refs[index])
        elif strict and create_graph and not value.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {index}. This is not allowed "
                "in strict mode when create_graph=True."
            )
        filled.append(value)
    return tuple(filled)


_NONE_MESSAGES: dict[Stage, str] = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
    "back_trick": (
        "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using the "
        "double backward trick to compute forward mode gradients. This is not allowed in strict mode."
    ),
    "double_back": (
        "The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode."
    ),
    "double_back_trick": (
        "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. This is not "
        "allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD."
    ),
}


def _zeros_like(reference: Tensor, requires_grad: bool = False) -> Tensor:
    from gradviz.autograd.factories import zeros_like

    return zeros_like(reference, requires_grad=requires_grad)


def _check_v_or_single(
    v: object, against: Tensors, against_is_tuple: bool, create_graph: bool, fn: str, what: str
) -> Tensors | None:
    if v is not None:
        _, vs = _as_tuple(v, "v", fn)
        vs = _prepare(vs, create_graph=create_graph, need_graph=False)
        _check_v(vs, against, against_is_tuple)
        return vs
    if len(against) != 1 or against[0].nelement() != 1:
        raise RuntimeError(f"The vector v can only be None if the {what} a single Tensor with a single element.")
    return None


def vjp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), v^T J): the vector-Jacobian product at ``inputs``."""
    with grad_mode.enable_grad():
        inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
        xs = _prepare(xs, create_graph=create_graph, need_graph=True)
        outputs_are_tuple, outputs = _as_tuple(func(*xs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        vs = _check_v_or_single(v, outputs, outputs_are_tuple, create_graph, "vjp", "user-provided function returns")
    with grad_mode.set_grad_enabled(True if create_graph else grad_mode.is_grad_enabled()):
        grads = _grads(outputs, xs, vs, create_graph=create_graph)
        products = _fill_in_zeros(grads, xs, strict, create_graph, "back")
    return (
        _unpack(_finish(outputs, create_graph), outputs_are_tuple),
        _unpack(_finish(products, create_graph), inputs_are_tuple),
    )


def jvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick."""
    with grad_mode.enable_grad():
        inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
        xs = _prepare(xs, create_graph=create_graph, need_graph=True)
        vs = _check_v_or_single(v, xs, inputs_are_tuple, create_graph, "jvp", "input to the user-provided function is")
        outputs_are_tuple, outputs = _as_tuple(func(*xs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # The backward is linear in its cotangent, so any value works; zeros keep inf/nan out.
        cotangents = tuple(_zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grads(outputs, xs, cotangents, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with grad_mode.enable_grad() if create_graph else _unchanged():
        grads = _grads(grad_inputs, cotangents, vs, create_graph=create_graph)
        products = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    return (
        _unpack(_finish(outputs, create_graph), outputs_are_tuple),
        _unpack(_finish(products, create_graph), outputs_are_tuple),
    )


class _unchanged:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """d func / d inputs: a tensor of shape output.shape + input.shape per (output, input) pair."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has a large '
            'number of outputs, you may want to use "reverse-mode", otherwise "forward-mode" may be more efficient.'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not '
                'supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.'
            )
        raise not_supported('torch.autograd.functional.jacobian(strategy="forward-mode") (forward-mode AD)')
    with grad_mode.enable_grad():
        inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
        xs = _prepare(xs, create_graph=create_graph, need_graph=True)
        outputs_are_tuple, outputs = _as_tuple(func(*xs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize:
            if strict:
                raise RuntimeError(
                    "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported "
                    "together. Please either set `strict=False` or `vectorize=False`."
                )
            if create_graph:
                raise not_supported("torch.autograd.functional.jacobian(vectorize=True, create_graph=True)")
        blocks: list[Tensors] = []
        for out_index, out in enumerate(outputs):
            rows: list[list[Tensor]] = [[] for _ in xs]
            flat = _F.reshape(out, -1)
            for element in range(out.nelement()):
                row = _grads((_F.select(flat, 0, element),), xs, retain_graph=True, create_graph=create_graph)
                for in_index, (into, value, x) in enumerate(zip(rows, row, xs)):
                    if value is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {out_index} of the user-provided function is independent of input "
                                f"{in_index}. This is not allowed in strict mode."
                            )
                        value = _zeros_like(x)
                    elif strict and create_graph and not value.requires_grad:
                        raise RuntimeError(
                            f"The jacobian of the user-provided function is independent of input {out_index}. "
                            "This is not allowed in strict mode when create_graph=True."
                        )
                    into.append(value)
            blocks.append(
                tuple(_F.view(_F.stack(into, 0), *(tuple(out.shape) + tuple(x.shape))) for into, x in zip(rows, xs))
            )
        result = _finish(tuple(blocks), create_graph)
    return _unpack_nested(result, outputs_are_tuple, inputs_are_tuple)


def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*args: Tensor) -> Tensor:
        out = func(*args)
        out_is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if out_is_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return _F.squeeze(out)

    def gradient(*args: Tensor) -> Any:
        jac = jacobian(single_output, args, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(
        gradient, xs, create_graph=create_graph, strict=strict, vectorize=vectorize, strategy=outer_jacobian_strategy
    )
    return _unpack_nested(result, inputs_are_tuple, inputs_are_tuple)


def _scalar_output(func: Callable[..., Any], xs: Tensors, strict: bool, fn: str) -> tuple[bool, Tensors]:
    outputs_are_tuple, outputs = _as_tuple(func(*xs), "outputs of the user-provided function", fn)
    _check_requires_grad(outputs, "outputs", strict)
    if outputs_are_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain a single element")
    return outputs_are_tuple, outputs


def vhp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), v^T H) for a scalar function."""
    with grad_mode.enable_grad():
        inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "vhp")
        xs = _prepare(xs, create_graph=create_graph, need_graph=True)
        vs = _check_v_or_single(v, xs, inputs_are_tuple, create_graph, "vhp", "input to the user-provided function is")
        outputs_are_tuple, outputs = _scalar_output(func, xs, strict, "vhp")
        jac = _grads(outputs, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    with grad_mode.set_grad_enabled(True if create_graph else grad_mode.is_grad_enabled()):
        grads = _grads(jac, xs, vs, create_graph=create_graph)
        products = _fill_in_zeros(grads, xs, strict, create_graph, "double_back")
    return (
        _unpack(_finish(outputs, create_graph), outputs_are_tuple),
        _unpack(_finish(products, create_graph), inputs_are_tuple),
    )


def hvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), H v) for a scalar function, by the double-backward trick."""
    with grad_mode.enable_grad():
        inputs_are_tuple, xs = _as_tuple(inputs, "inputs", "hvp")
        xs = _prepare(xs, create_graph=create_graph, need_graph=True)
        vs = _check_v_or_single(v, xs, inputs_are_tuple, create_graph, "hvp", "input to the user-provided function is")
        outputs_are_tuple, outputs = _scalar_output(func, xs, strict, "hvp")
        jac = _grads(outputs, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        grad_jac = tuple(_zeros_like(x, requires_grad=True) for x in xs)
        double_back = _grads(jac, xs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with grad_mode.set_grad_enabled(True if create_graph else grad_mode.is_grad_enabled()):
        grads = _grads(double_back, grad_jac, vs, create_graph=create_graph)
        products = _fill_in_zeros(grads, xs, strict, create_graph, "double_back_trick")
    return (
        _unpack(_finish(outputs, create_graph), outputs_are_tuple),
        _unpack(_finish(products, create_graph), inputs_are_tuple),
    )

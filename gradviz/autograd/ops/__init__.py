"""The op table. Importing this package registers every op and validates the table."""

from gradviz.autograd.ops import (  # noqa: F401 - registration side effects
    activations,
    binary_math,
    conv,
    einsum,
    gather_scatter,
    indexing,
    linalg,
    loss_ops,
    more_pointwise,
    more_reduce,
    more_shape,
    more_unary,
    nn_extra,
    nn_ops,
    normalization,
    pointwise,
    pooling,
    predicates,
    random_ops,
    reduction,
    reshape_alias,
    rnn_ops,
    scalar_forms,
    selection,
    shape,
    sort_scan,
    split_ops,
    stacking,
)
from gradviz.autograd.ops.registry import OPS, validate_table

validate_table()

# The op functions, once every entry they call exists; the Tensor backend of VJPs calls them.
from gradviz.autograd.ops import backend, functional  # noqa: E402

backend.bind_functional(functional)

__all__ = ["OPS"]

"""The op table. Importing this package registers every op and validates the table."""

from gradviz.autograd.ops import (  # noqa: F401 - registration side effects
    indexing,
    linalg,
    more_pointwise,
    more_reduce,
    more_shape,
    nn_ops,
    pointwise,
    reduction,
    shape,
)
from gradviz.autograd.ops.registry import OPS, validate_table

validate_table()

__all__ = ["OPS"]

"""The op table. Importing this package registers every op and validates the table."""

from gradviz.autograd.ops import linalg, pointwise, reduction, shape  # noqa: F401 - registration side effects
from gradviz.autograd.ops import more_pointwise  # noqa: F401
from gradviz.autograd.ops import more_shape  # noqa: F401
from gradviz.autograd.ops import more_reduce  # noqa: F401
from gradviz.autograd.ops import indexing  # noqa: F401
from gradviz.autograd.ops import nn_ops  # noqa: F401
from gradviz.autograd.ops.registry import OPS, validate_table

validate_table()

__all__ = ["OPS"]

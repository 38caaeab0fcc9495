"""The op table. Importing this package registers every op and validates the table."""

from . import linalg, pointwise, reduction, shape  # noqa: F401 - registration side effects
from . import more_pointwise  # noqa: F401
from . import more_shape  # noqa: F401
from . import more_reduce  # noqa: F401
from . import indexing  # noqa: F401
from . import nn_ops  # noqa: F401
from .registry import OPS, validate_table

validate_table()

__all__ = ["OPS"]

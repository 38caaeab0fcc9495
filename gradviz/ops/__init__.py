"""The op table. Importing this package registers every op and validates the table."""

from . import linalg, pointwise, reduction, shape  # noqa: F401 - registration side effects
from .registry import OPS, validate_table

validate_table()

__all__ = ["OPS"]

"""Grad mode: whether new ops record autograd nodes (torch.no_grad & co.)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "enable_grad",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_grad_enabled",
]

_enabled = True
# Inside inference_mode(): tensors made there are inference tensors (Tensor.is_inference()).
_inference = False

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    return _enabled


_anomaly = False


def anomaly_enabled() -> bool:
    return _anomaly


def set_anomaly(value: bool) -> None:
    global _anomaly
    _anomaly = bool(value)


def _set(value: bool) -> None:
    global _enabled
    _enabled = bool(value)


class _GradModeContext:
    """Context manager and decorator, like torch's: the previous mode is restored on exit."""

    _target: bool = True

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(_enabled)
        _set(self._target)

    def __exit__(self, *exc: object) -> None:
        _set(self._previous.pop())

    def __call__(self, func: F) -> F:
        target = self._target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = _enabled
            _set(target)
            try:
                return func(*args, **kwargs)
            finally:
                _set(previous)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> _GradModeContext:
        return type(self)()


class no_grad(_GradModeContext):
    _target = False


class enable_grad(_GradModeContext):
    _target = True


def is_inference_mode_enabled() -> bool:
    """torch.is_inference_mode_enabled(): inside inference_mode() (and not a nested inference_mode(False))."""
    return _inference


def _set_inference(value: bool) -> None:
    global _inference
    _inference = bool(value)


class inference_mode(_GradModeContext):
    """no_grad, and the tensors made inside are inference tensors: ``is_inference()`` is True and
    autograd refuses to save them for backward."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._target = not mode
        self._mode = bool(mode)
        self._previous_inference: list[bool] = []

    def __enter__(self) -> None:
        super().__enter__()
        self._previous_inference.append(_inference)
        _set_inference(self._mode)

    def __exit__(self, *exc: object) -> None:
        _set_inference(self._previous_inference.pop())
        super().__exit__(*exc)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(self._mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> inference_mode:
        return inference_mode(self._mode)


class set_grad_enabled(_GradModeContext):
    """Takes effect immediately when called (like torch), and also works as a context manager."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(
                f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {type(mode).__name__}"
            )
        super().__init__()
        self.mode = mode
        self._target = mode
        self._previous.append(_enabled)
        _set(mode)

    def __repr__(self) -> str:
        # torch.typename(self): the class's module and name, as PyTorch's repr writes them.
        return f"{type(self).__module__}.{type(self).__qualname__}(mode={self.mode})"

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        if self._previous:
            _set(self._previous.pop())

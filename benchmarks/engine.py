"""gradviz's autograd engine against hand-written numpy (the floor), PyTorch and HIPS autograd.

    .venv/bin/python benchmarks/engine.py            # everything, one table
    .venv/bin/python benchmarks/engine.py --quick    # fewer repeats

Cases, each forward + backward, float32 unless noted:
  seed    the seed tutorial's loop: ones(3, 2, requires_grad=True); y = x**2; z = (y + 1) * y;
          z.sum().backward()
  seed+tr the same with a trace listener subscribed (the app always records)
  mlp     one step of a 64x784 -> 128 -> 10 MLP: linear, relu, linear, cross_entropy
  chain   a 1,000-op elementwise chain on 64 values (mul, add, tanh repeated), then sum

The same benchmark bodies run on gradviz.torch in this process and on real torch in a
subprocess (``--backend torch`` under the torch virtualenv, found at $GRADVIZ_TORCH_PYTHON or
/work/torchvenv/bin/python), whose timings come back as JSON. HIPS autograd runs if importable.
Every library gets one thread (BLAS included) so ratios compare engines, not thread pools.
Times are best-of-N per iteration; compare ratios, not absolute times, between machines.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CHAIN_LENGTH = 1000
TARGETS = {"seed": ("torch", 0.5), "mlp": ("numpy", 1.2)}


def best_per_call(fn: Callable[[], object], calls: int, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``calls`` calls, per call, in seconds."""
    fn()  # warm up caches and lazy imports
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


# -- bodies written once against a torch-like module T (gradviz.torch or torch) -----------------


def seed_body(T: Any) -> Callable[[], object]:
    def step() -> object:
        x = T.ones(3, 2, requires_grad=True)
        y = x**2
        z = (y + 1) * y
        z.sum().backward()
        return x.grad

    return step


def mlp_body(T: Any) -> Callable[[], object]:
    F = T.nn.functional
    T.manual_seed(0)
    x = T.randn(64, 784)
    labels = T.randint(0, 10, (64,))
    w1 = (T.randn(128, 784) * 0.05).requires_grad_()
    b1 = T.zeros(128, requires_grad=True)
    w2 = (T.randn(10, 128) * 0.1).requires_grad_()
    b2 = T.zeros(10, requires_grad=True)
    params = (w1, b1, w2, b2)

    def step() -> object:
        for p in params:
            p.grad = None
        loss = F.cross_entropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), labels)
        loss.backward()
        return loss

    return step


def chain_body(T: Any) -> Callable[[], object]:
    def step() -> object:
        x = T.ones(64, requires_grad=True)
        y = x
        for _ in range(CHAIN_LENGTH // 3):
            y = (y * 0.999 + 0.001).tanh()
        y.sum().backward()
        return x.grad

    return step


# -- the numpy floor: the same math by hand ------------------------------------------------------


def seed_numpy() -> Callable[[], object]:
    def step() -> object:
        x = np.ones((3, 2), np.float32)
        y = x**2
        z = (y + 1) * y
        z.sum()
        gz = np.ones_like(z)
        gy = gz * y + gz * (y + 1)
        return gy * (2 * x)

    return step


def mlp_numpy() -> Callable[[], object]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784), dtype=np.float32)
    labels = rng.integers(0, 10, 64)
    w1 = rng.standard_normal((128, 784), dtype=np.float32) * np.float32(0.05)
    b1 = np.zeros(128, np.float32)
    w2 = rng.standard_normal((10, 128), dtype=np.float32) * np.float32(0.1)
    b2 = np.zeros(10, np.float32)
    rows = np.arange(64)

    def step() -> object:
        pre = x @ w1.T + b1
        h = np.maximum(pre, 0)
        logits = h @ w2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[rows, labels].mean()
        g = np.exp(log_probs)
        g[rows, labels] -= 1
        g /= 64
        grads = [g.T @ h, g.sum(axis=0)]
        gh = g @ w2
        gh[pre <= 0] = 0
        grads += [gh.T @ x, gh.sum(axis=0)]
        return loss, grads

    return step


def chain_numpy() -> Callable[[], object]:
    def step() -> object:
        y = np.ones(64, np.float32)
        outs = []
        for _ in range(CHAIN_LENGTH // 3):
            y = np.tanh(y * np.float32(0.999) + np.float32(0.001))
            outs.append(y)
        y.sum()
        g = np.ones(64, np.float32)
        for t in reversed(outs):
            g = g * (1 - t * t)
            g = g * np.float32(0.999)
        return g

    return step


# -- HIPS autograd (optional) --------------------------------------------------------------------


def autograd_bodies() -> dict[str, Callable[[], object]] | None:
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        return None

    def seed_fn(x: Any) -> Any:
        y = x**2
        return anp.sum((y + 1) * y)

    def chain_fn(x: Any) -> Any:
        y = x
        for _ in range(CHAIN_LENGTH // 3):
            y = anp.tanh(y * 0.999 + 0.001)
        return anp.sum(y)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784)).astype(np.float32)
    labels = rng.integers(0, 10, 64)
    params0 = [
        rng.standard_normal((128, 784)).astype(np.float32) * np.float32(0.05),
        np.zeros(128, np.float32),
        rng.standard_normal((10, 128)).astype(np.float32) * np.float32(0.1),
        np.zeros(10, np.float32),
    ]

    def mlp_fn(params: Any) -> Any:
        w1, b1, w2, b2 = params
        logits = anp.dot(anp.maximum(anp.dot(x, w1.T) + b1, 0), w2.T) + b2
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[np.arange(64), labels])

    seed_grad, chain_grad, mlp_grad = autograd.grad(seed_fn), autograd.grad(chain_fn), autograd.grad(mlp_fn)
    return {
        "seed": lambda: seed_grad(np.ones((3, 2), np.float32)),
        "mlp": lambda: mlp_grad(params0),
        "chain": lambda: chain_grad(np.ones(64, np.float32)),
    }


# -- running ----------------------------------------------------------------------------------

PLAN = {"seed": (2000, 7), "seed+tr": (2000, 7), "mlp": (30, 7), "chain": (10, 5)}


def _plan(name: str, quick: bool) -> tuple[int, int]:
    calls, repeat = PLAN[name]
    return (max(1, calls // 5), 3) if quick else (calls, repeat)


def time_engine(T: Any, quick: bool) -> dict[str, float]:
    bodies = {"seed": seed_body(T), "mlp": mlp_body(T), "chain": chain_body(T)}
    return {name: best_per_call(body, *_plan(name, quick)) for name, body in bodies.items()}


def time_gradviz(quick: bool) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    import gradviz.torch as gt
    from gradviz.autograd import trace

    times = time_engine(gt, quick)
    traces: list[Any] = []
    unsubscribe = trace.subscribe(traces.append)
    try:
        times["seed+tr"] = best_per_call(seed_body(gt), *_plan("seed+tr", quick))
    finally:
        unsubscribe()
    assert traces, "the listener saw no trace"
    return times


def time_torch_subprocess(quick: bool) -> tuple[dict[str, float] | None, str]:
    python = os.environ.get("GRADVIZ_TORCH_PYTHON", "/work/torchvenv/bin/python")
    if not Path(python).exists():
        return None, f"no torch interpreter at {python} (set GRADVIZ_TORCH_PYTHON)"
    command = [python, str(Path(__file__).resolve()), "--backend", "torch"] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return None, "torch run failed: " + done.stderr.strip().splitlines()[-1]
    return json.loads(done.stdout), python


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e6:10.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:6.2f}x"


def report(columns: dict[str, dict[str, float] | None]) -> None:
    gv, floor, torch_t, ag = (columns.get(k) for k in ("gradviz", "numpy", "torch", "autograd"))
    print(
        f"{'case':9s} {'numpy us':>10s} {'gradviz us':>10s} {'torch us':>10s} {'autograd us':>11s} "
        f"{'gv/numpy':>9s} {'gv/torch':>9s} {'gv/autograd':>11s}"
    )
    for case in ("seed", "seed+tr", "mlp", "chain"):
        base = case.split("+")[0]
        values = [(floor or {}).get(base), (gv or {}).get(case), (torch_t or {}).get(base), (ag or {}).get(base)]
        print(
            f"{case:9s} {_fmt(values[0]):>10s} {_fmt(values[1]):>10s} {_fmt(values[2]):>10s} "
            f"{_fmt(values[3]):>11s} {_ratio(values[1], values[0]):>9s} {_ratio(values[1], values[2]):>9s} "
            f"{_ratio(values[1], values[3]):>11s}"
        )
    print("(seed+tr compares gradviz recording a trace with the others not recording)")
    for case, (against, limit) in TARGETS.items():
        mine, theirs = (gv or {}).get(case), (columns.get(against) or {}).get(case)
        if mine is None or theirs is None:
            print(f"target {case} <= {limit}x {against}: not measured")
            continue
        ratio = mine / theirs
        verdict = "met" if ratio <= limit else "MISSED"
        print(f"target {case} <= {limit}x {against}: {ratio:.2f}x {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("all", "torch"), default="all")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.backend == "torch":
        import torch

        torch.set_num_threads(1)
        print(json.dumps(time_engine(torch, args.quick)))
        return 0
    columns: dict[str, dict[str, float] | None] = {}
    floor_bodies = {"seed": seed_numpy(), "mlp": mlp_numpy(), "chain": chain_numpy()}
    columns["numpy"] = {name: best_per_call(body, *_plan(name, args.quick)) for name, body in floor_bodies.items()}
    columns["gradviz"] = time_gradviz(args.quick)
    torch_times, note = time_torch_subprocess(args.quick)
    columns["torch"] = torch_times
    ag = autograd_bodies()
    columns["autograd"] = (
        None if ag is None else {name: best_per_call(body, *_plan(name, args.quick)) for name, body in ag.items()}
    )
    print(f"torch: {note}" if torch_times is None else f"torch: {note} (subprocess, 1 thread)")
    if ag is None:
        print("autograd: not installed, skipped")
    report(columns)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

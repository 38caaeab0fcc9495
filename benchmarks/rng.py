"""gradviz.autograd.random.generator throughput against numpy's own generators, measured in the same run.

    .venv/bin/python benchmarks/rng.py

Prints the best-of-N time of each gradviz call and the ratio to the closest numpy
equivalent (numpy's MT19937 bit generator for raw words and uniforms, its default
generator for normals and permutations). Ratios, not absolute times, are what to compare
between machines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gradviz.autograd.random import generator as rng


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = 1_000_000
    gen = rng.Generator().manual_seed(0)
    mt = np.random.Generator(np.random.MT19937(0))
    pcg = np.random.default_rng(0)
    rows = [
        ("raw 32-bit words", lambda: gen.random_u32(n), lambda: mt.integers(0, 2**32, n, dtype=np.uint32)),
        ("rand float32", lambda: rng.rand((n,), np.float32, gen), lambda: mt.random(n, np.float32)),
        ("rand float64", lambda: rng.rand((n,), np.float64, gen), lambda: mt.random(n)),
        ("randn float32", lambda: rng.randn((n,), np.float32, gen), lambda: pcg.standard_normal(n, np.float32)),
        ("randn float64", lambda: rng.randn((n,), np.float64, gen), lambda: pcg.standard_normal(n)),
        ("randint [0,10)", lambda: rng.randint(0, 10, (n,), generator=gen), lambda: mt.integers(0, 10, n)),
        ("randperm", lambda: rng.randperm(n, generator=gen), lambda: pcg.permutation(n)),
        ("bernoulli_ p=0.5", lambda: rng.bernoulli_(np.empty(n, np.float32), 0.5, gen), lambda: pcg.random(n) < 0.5),
        ("randn float32 (16)", lambda: rng.randn((16,), np.float32, gen), lambda: pcg.standard_normal(16, np.float32)),
        ("randn float32 (3)", lambda: rng.randn((3,), np.float32, gen), lambda: pcg.standard_normal(3, np.float32)),
    ]
    print(f"{'call (n=1e6 unless noted)':28s} {'gradviz ms':>11s} {'numpy ms':>10s} {'ratio':>7s}")
    for name, ours, theirs in rows:
        t_ours, t_theirs = best_of(ours), best_of(theirs)
        print(f"{name:28s} {t_ours * 1e3:11.3f} {t_theirs * 1e3:10.3f} {t_ours / t_theirs:7.1f}x")


if __name__ == "__main__":
    main()

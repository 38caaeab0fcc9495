"""MT19937 bit stream laid out the way PyTorch's CPU generator keeps it.

PyTorch's CPU generator is a plain 32-bit Mersenne Twister seeded from the low 32 bits of
the 64-bit seed. Its bookkeeping (``left``/``next`` counters, the 624 words stored as
uint64 in the state ByteTensor, the cached Box-Muller sample) is mirrored here so that
``get_state()`` produces the same 5056 bytes as ``torch.get_rng_state()`` and the two can be
swapped.

Speed matters because ``rand(1_000_000)`` should not crawl. The recurrence torch uses is the
reference MT19937 one, the same as numpy's ``MT19937`` bit generator, whose state is exactly
(624-word block, read index). So bulk draws load our block into numpy's generator and let
its C loop twist and temper whole blocks; reads within the current block are tempered here.
Only the seeding (torch's 32-bit ``init_genrand``) and torch's bookkeeping are ours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["STATE_BYTES", "MTState", "draw_u32", "pack_state", "seeded_state", "unpack_state"]

N = 624
# One shared numpy engine; its state is overwritten before every use (not thread-safe).
_ENGINE = np.random.MT19937(0)

# Byte layout of torch's CPU generator state (little endian, 5056 bytes):
# initial seed u64 | left i32 | seeded i32 | next u64 | 624 words as u64 |
# normal_x f64 | normal_y f64 (the cached double sample) | normal_rho f64 |
# normal_is_valid i32 + 4 pad | next float sample f32 | its valid flag u8 + 3 pad.
STATE_BYTES = 5056
_OFF_LEFT, _OFF_SEEDED, _OFF_NEXT, _OFF_WORDS = 8, 12, 16, 24
_OFF_NORMAL_X, _OFF_NORMAL_Y, _OFF_NORMAL_RHO, _OFF_NORMAL_VALID = 5016, 5024, 5032, 5040
_OFF_FLOAT_SAMPLE, _OFF_FLOAT_VALID = 5048, 5052


@dataclass
class MTState:
    """Mutable generator state; field names follow torch's serialised layout."""

    seed: int
    words: np.ndarray  # (624,) uint32, the current block
    left: int  # words still readable in the block plus one (torch's convention)
    next: int  # index of the next word to read
    seeded: int = 1
    normal_x: float = 0.0
    normal_rho: float = 0.0
    cached_double: float | None = None  # torch stores it in normal_y
    cached_float: float | None = None


def seeded_state(seed: int) -> MTState:
    """State right after ``manual_seed(seed)``: words initialised, twist still pending."""
    seed &= (1 << 64) - 1
    words = np.empty(N, np.uint32)
    x = seed & 0xFFFFFFFF
    words[0] = x
    for j in range(1, N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        words[j] = x
    return MTState(seed=seed, words=words, left=1, next=0)


def _temper(words: np.ndarray) -> np.ndarray:
    y = words.copy()
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


def draw_u32(state: MTState, count: int) -> np.ndarray:
    """The next ``count`` 32-bit outputs (what torch's ``random()`` returns), advancing state."""
    if count <= 0:
        return np.empty(0, np.uint32)
    avail = state.left - 1
    if count <= avail:  # no twist needed: temper the words already in the block
        raw = state.words[state.next : state.next + count]
        state.next += count
        state.left -= count
        return _temper(raw)
    # Crossing into new blocks: hand the block to numpy's MT19937, which twists and tempers
    # in C. Its key/pos pair is the same block plus read index (pos 624 = twist pending).
    _ENGINE.state = {
        "bit_generator": "MT19937",
        "state": {"key": state.words, "pos": N if state.left == 1 else state.next},
    }
    out = _ENGINE.random_raw(count).astype(np.uint32)
    after = _ENGINE.state["state"]
    state.words = np.array(after["key"], dtype=np.uint32)
    state.next = int(after["pos"])
    state.left = N + 1 - state.next
    return out


def pack_state(state: MTState) -> np.ndarray:
    """Serialise to torch's 5056-byte layout (uint8 array)."""
    out = np.zeros(STATE_BYTES, np.uint8)
    out[0:8] = np.frombuffer(np.uint64(state.seed).tobytes(), np.uint8)
    out[_OFF_LEFT : _OFF_LEFT + 4] = np.frombuffer(np.int32(state.left).tobytes(), np.uint8)
    out[_OFF_SEEDED : _OFF_SEEDED + 4] = np.frombuffer(np.int32(state.seeded).tobytes(), np.uint8)
    out[_OFF_NEXT : _OFF_NEXT + 8] = np.frombuffer(np.uint64(state.next).tobytes(), np.uint8)
    words = state.words.astype("<u8").view(np.uint8)
    out[_OFF_WORDS : _OFF_WORDS + 8 * N] = words
    doubles = [(_OFF_NORMAL_X, state.normal_x), (_OFF_NORMAL_RHO, state.normal_rho)]
    if state.cached_double is not None:
        doubles.append((_OFF_NORMAL_Y, state.cached_double))
        out[_OFF_NORMAL_VALID] = 1
    for off, value in doubles:
        out[off : off + 8] = np.frombuffer(np.float64(value).tobytes(), np.uint8)
    if state.cached_float is not None:
        out[_OFF_FLOAT_SAMPLE : _OFF_FLOAT_SAMPLE + 4] = np.frombuffer(
            np.float32(state.cached_float).tobytes(), np.uint8
        )
        out[_OFF_FLOAT_VALID] = 1
    return out


def unpack_state(data: object) -> MTState:
    """Parse torch's 5056-byte state (any uint8 array-like, e.g. ``torch.get_rng_state().numpy()``)."""
    raw = np.ascontiguousarray(np.asarray(data, dtype=np.uint8)).reshape(-1)
    if raw.size != STATE_BYTES:
        raise RuntimeError(
            f"Expected a CPUGeneratorImplState of size {STATE_BYTES} "
            f"but found the input RNG state size to be {raw.size}"
        )
    b = raw.tobytes()

    def scalar(off: int, dtype: str) -> float | int:
        return np.frombuffer(b, dtype=dtype, count=1, offset=off)[0].item()

    left = int(scalar(_OFF_LEFT, "<i4"))
    nxt = int(scalar(_OFF_NEXT, "<u8"))
    if not (1 <= left <= N + 1 and 0 <= nxt <= N and (left == 1 or nxt + left == N + 1)):
        raise RuntimeError("Invalid mt19937 state")
    words = np.frombuffer(b, dtype="<u8", count=N, offset=_OFF_WORDS).astype(np.uint32)
    state = MTState(
        seed=int(scalar(0, "<u8")),
        words=words.copy(),
        left=left,
        next=nxt,
        seeded=int(scalar(_OFF_SEEDED, "<i4")),
        normal_x=float(scalar(_OFF_NORMAL_X, "<f8")),
        normal_rho=float(scalar(_OFF_NORMAL_RHO, "<f8")),
    )
    if raw[_OFF_NORMAL_VALID]:
        state.cached_double = float(scalar(_OFF_NORMAL_Y, "<f8"))
    if raw[_OFF_FLOAT_VALID]:
        state.cached_float = float(scalar(_OFF_FLOAT_SAMPLE, "<f4"))
    return state

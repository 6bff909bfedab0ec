"""The census: for every weight string, how many examples it classifies correctly, and the
histogram of those counts (what the oracle marks, the best reachable).

Same bit order as `qbnnc.reference.evaluate`: bit `i` of a weight string is weight `i`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qbnnc.frontend.model import Layer, Model
from qbnnc.reference.evaluate import example_groups

# Exhaustive counting visits every weight string; 2^24 strings take seconds, 2^25 and up are
# refused so that `iterations auto` never stalls the compiler.
MAX_COUNTED_WEIGHTS = 24

# Counting every weight string. Bit-parallel: the distinct inputs are bit positions of
# np.uint64 words, so one bitwise operation evaluates a line on 64 inputs, and each line
# is a "plane" (an array of such words). The 2^c weight strings of a chunk (its low c bits
# vary, the others are fixed) are laid out as a grid with one axis per field of weight bits;
# a plane only spans the axes of the weights it depends on, and numpy broadcasting pairs
# them. A first-layer neuron is so a table over its own weights only (2^f rows), computed
# once; the grid is materialised only by the neurons that depend on every axis, and the count
# is a popcount summed over the words.

# The largest plane of a chunk (words x weight strings) holds at most this many words, 4 MB:
# memory stays flat, and larger chunks measured slower (caches), smaller ones no faster.
_CHUNK_WORDS = 1 << 19

# A neuron's varying weights are split into axes of at most this many bits, so that a wide
# neuron counts its lines per axis (small planes) and adds the counts once on the grid.
_AXIS_BITS = 8

_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


@dataclass(frozen=True)
class _Slot:
    """One label per input, as planes (a second label of the same input goes to a next slot)."""

    wrong: tuple[np.ndarray, ...]  # per output bit: the complement of the label bit
    # (multiplicity, the positions with it; None: every position of the words)
    repeats: tuple[tuple[int, np.ndarray | None], ...]


@dataclass(frozen=True)
class _Data:
    """The examples as planes: position p is the p-th distinct input."""

    words: int
    inputs: tuple[np.ndarray, ...]  # per input bit
    slots: tuple[_Slot, ...]


def _pack(bits: Sequence[int], words: int) -> np.ndarray:
    """Bits (position p -> bit p % 64 of word p // 64) as `words` np.uint64 words."""
    padded = np.zeros(words * 64, dtype=np.uint8)
    padded[: len(bits)] = bits
    return np.packbits(padded, bitorder="little").view("<u8").astype(np.uint64)


def _data(model: Model) -> _Data:
    """Inputs and labels as planes; positions past the last distinct input are padding."""
    groups = example_groups(model)
    words = max(1, -(-len(groups) // 64))
    inputs = tuple(_pack([x[i] for x, _ in groups], words) for i in range(model.input_width))
    slots = []
    for r in range(max((len(labels) for _, labels in groups), default=0)):
        # Inputs with fewer than r + 1 labels have no example in slot r: multiplicity 0.
        here = [labels[r] if r < len(labels) else (None, 0) for _, labels in groups]
        wrong = tuple(
            ~_pack([label[k] if label else 0 for label, _ in here], words)
            for k in range(model.output_width)
        )
        repeats = tuple(
            (m, _positions([int(n == m) for _, n in here], words))
            for m in sorted({n for _, n in here} - {0})
        )
        slots.append(_Slot(wrong, repeats))
    return _Data(words, inputs, tuple(slots))


def _positions(bits: Sequence[int], words: int) -> np.ndarray | None:
    """Packed like `_pack`, but None when every bit of the words is set (no mask needed)."""
    packed = _pack(bits, words)
    return None if bool((packed == _ALL).all()) else packed


def _popcount_table(words: np.ndarray) -> np.ndarray:
    """Ones per np.uint64 word by a byte table: for numpy before 2.0 (no bitwise_count)."""
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    b = np.ascontiguousarray(words).view(np.uint8).reshape(*words.shape, 8)
    return table[b].sum(axis=-1, dtype=np.uint8)


_popcount = getattr(np, "bitwise_count", _popcount_table)


@dataclass(frozen=True)
class _Grid:
    """How the varying low `bits` of a chunk's weight strings map to array axes.

    Planes have the words of positions first (so a popcount sums whole rows, which numpy
    does fast, not a short last axis), then one axis per entry of `axes` = (first weight bit,
    number of bits); axes run from the highest bits down, so a C-order flattening of the
    grid is the weight-string order.
    """

    bits: int
    axes: tuple[tuple[int, int], ...]
    words: int

    def shape(self, axis: int | None = None, size: int = 1) -> tuple[int, ...]:
        """A plane shape spanning every position and no axis, or only `axis` (with `size`)."""
        dims = [self.words] + [1] * len(self.axes)
        if axis is not None:
            dims[0], dims[1 + axis] = 1, size
        return tuple(dims)

    def where(self, bit: int) -> tuple[int, int]:
        """(axis, offset in that axis) of a varying weight bit."""
        for a, (low, width) in enumerate(self.axes):
            if low <= bit < low + width:
                return a, bit - low
        raise ValueError(f"weight bit {bit} does not vary in the chunk")


def _fields(model: Model) -> list[list[range]]:
    """Per layer, per neuron: its weight bits (empty for fixed layers)."""
    out: list[list[range]] = []
    offset = 0
    for layer in model.layers:
        if layer.fixed is not None:
            out.append([range(0) for _ in range(layer.width)])
            continue
        f = layer.fan_in
        out.append([range(offset + j * f, offset + (j + 1) * f) for j in range(layer.width)])
        offset += layer.width * f
    return out


def _grid(model: Model, words: int) -> _Grid:
    """The chunk's axes: the largest chunk whose grid stays within _CHUNK_WORDS words."""
    bits = model.num_weights
    while bits > 0 and (words << bits) > _CHUNK_WORDS:
        bits -= 1
    axes = []
    for row in _fields(model):
        for field in row:
            for low in range(field.start, min(field.stop, bits), _AXIS_BITS):
                axes.append((low, min(_AXIS_BITS, bits - low, field.stop - low)))
    return _Grid(bits, tuple(reversed(axes)), words)


def _weight_mask(grid: _Grid, bit: int, flip: bool) -> np.ndarray:
    """All-ones words where the varying weight `bit` (xor `flip`) is 1, along its axis."""
    axis, offset = grid.where(bit)
    size = 1 << grid.axes[axis][1]
    on = ((np.arange(size) >> offset) & 1).astype(bool) ^ flip
    return np.where(on, _ALL, np.uint64(0)).reshape(grid.shape(axis, size))


def _or(planes: list[np.ndarray]) -> np.ndarray:
    """Bitwise OR of the planes (broadcast)."""
    out = planes[0]
    for p in planes[1:]:
        out = out | p
    return out


def _at_least_k(a: list[np.ndarray], b: list[np.ndarray], k: int) -> np.ndarray:
    """At least k of two line groups match, from each group's "at least i" planes.

    a[i - 1] is "at least i of group a"; a sum reaches k iff some i has a >= i, b >= k - i.
    """
    terms = []
    for i in range(max(0, k - len(b)), min(k, len(a)) + 1):
        if i == 0:
            terms.append(b[k - 1])
        elif i == k:
            terms.append(a[i - 1])
        else:
            terms.append(a[i - 1] & b[k - i - 1])
    return _or(terms)


def _at_least(lines: list[np.ndarray], threshold: int, ones: np.ndarray) -> np.ndarray:
    """The plane "at least `threshold` lines are 1".

    Lines are grouped by the axes they span and each group counted on its own (small)
    shape, as "at least i" planes for i up to the threshold; the groups are then added
    smallest first, and only the last addition, on the largest shape, is done for the
    threshold alone.
    """
    if threshold <= 0:
        return ones
    if threshold > len(lines):
        return np.zeros_like(ones)
    groups: dict[tuple[int, ...], list[np.ndarray]] = {}
    for line in lines:
        groups.setdefault(line.shape, []).append(line)
    counted = []
    for group in groups.values():
        acc = [group[0]]
        for line in group[1:]:
            acc = _add(acc, [line], threshold)
        counted.append(acc)
    counted.sort(key=lambda acc: acc[0].size)
    acc = counted[0]
    for other in counted[1:-1]:
        acc = _add(acc, other, threshold)
    if len(counted) == 1:
        return acc[threshold - 1]
    return _at_least_k(acc, counted[-1], threshold)


def _add(a: list[np.ndarray], b: list[np.ndarray], cap: int) -> list[np.ndarray]:
    """The "at least i" planes of two groups together, for i up to `cap`."""
    return [_at_least_k(a, b, k) for k in range(1, min(cap, len(a) + len(b)) + 1)]


@dataclass
class _Network:
    """The network's neurons as planes over a chunk's grid, each kept until it changes.

    A neuron's planes depend only on the fixed (high) weight bits it reads, directly or
    through its sources (`reads`); while they stay the same from chunk to chunk, so does
    the neuron, so a first-layer neuron whose weights all vary is computed once.
    """

    model: Model
    grid: _Grid
    inputs: list[np.ndarray]
    ones: np.ndarray
    fields: list[list[range]]
    reads: list[list[int]]  # per layer, per neuron: the weight bits it depends on, as a mask
    kept: dict[tuple[int, int], tuple[int, np.ndarray]]

    @classmethod
    def of(cls, model: Model, grid: _Grid, data: _Data) -> _Network:
        fields = _fields(model)
        layer_reads: dict[str, int] = {model.input_name: 0}
        reads = []
        for layer, row in zip(model.layers, fields, strict=True):
            below = 0
            for s in layer.sources:
                below |= layer_reads[s.name]
            own = [below | _mask(field) for field in row]
            reads.append(own)
            layer_reads[layer.name] = below | sum(_mask(field) for field in row)
        return cls(
            model=model,
            grid=grid,
            inputs=[p.reshape(grid.shape()) for p in data.inputs],
            ones=np.full(grid.shape(), _ALL),
            fields=fields,
            reads=reads,
            kept={},
        )

    def outputs(self, lo: int) -> list[np.ndarray]:
        """The output neurons' planes for the chunk of weight strings starting at `lo`."""
        fixed_bits = lo & ~((1 << self.grid.bits) - 1)
        values: dict[str, list[np.ndarray]] = {self.model.input_name: self.inputs}
        for index, layer in enumerate(self.model.layers):
            lines = [p for s in layer.sources for p in values[s.name]]
            planes = []
            for j in range(layer.width):
                key = fixed_bits & self.reads[index][j]
                kept = self.kept.get((index, j))
                if kept is None or kept[0] != key:
                    kept = (key, self._neuron(layer, self.fields[index][j], j, lo, lines))
                    self.kept[(index, j)] = kept
                planes.append(kept[1])
            values[layer.name] = planes
        return values[self.model.layers[-1].name]

    def _neuron(
        self, layer: Layer, field: range, j: int, lo: int, lines: list[np.ndarray]
    ) -> np.ndarray:
        # A line counts when it equals its weight (xnor) or differs (xor): x ^ ~w or x ^ w.
        flip = self.model.encoding == "xnor"
        matched = []
        for i, x in enumerate(lines):
            if layer.fixed is not None:
                matched.append(~x if layer.fixed[j][i] ^ flip else x)
                continue
            bit = field[i]
            if bit < self.grid.bits:
                matched.append(x ^ _weight_mask(self.grid, bit, flip))
            else:
                matched.append(~x if ((lo >> bit) & 1) ^ flip else x)
        return _at_least(matched, layer.threshold, self.ones)


def _mask(bits: range) -> int:
    """The weight bits of `bits` as an integer mask."""
    return sum(1 << b for b in bits)


def _tally(outputs: list[np.ndarray], slots: tuple[_Slot, ...], grid: _Grid) -> np.ndarray:
    """Correct examples per weight string of the chunk, in weight-string order."""
    column = grid.shape()
    total: np.ndarray | int = 0
    for slot in slots:
        ok = outputs[0] ^ slot.wrong[0].reshape(column)
        for y, wrong in zip(outputs[1:], slot.wrong[1:], strict=True):
            ok = ok & (y ^ wrong.reshape(column))
        for multiplicity, positions in slot.repeats:
            hits = _popcount(ok if positions is None else ok & positions.reshape(column))
            total = total + multiplicity * hits.sum(axis=0, dtype=np.uint32)
    full = tuple(1 << width for _, width in grid.axes)
    return np.broadcast_to(total, full).reshape(-1)


def correct_counts(
    model: Model,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = MAX_COUNTED_WEIGHTS,
) -> np.ndarray:
    """For every weight string `w` (index), the number of examples it classifies correctly.

    Bit-parallel over the distinct inputs and a chunk of weight strings at a time (memory
    stays flat; see the comment above `_CHUNK_WORDS`). `progress(done, total)` is called with
    the weight strings counted so far after each chunk. `limit`: the most weights counted
    (None: any number; the caller has weighed the time, as `train` does).
    """
    n = model.num_weights
    if limit is not None and n > limit:
        raise ValueError(f"{n} weights: too many to count exhaustively")
    total = 1 << n
    dtype = np.uint16 if model.num_examples < 65536 else np.uint32
    counts = np.empty(total, dtype=dtype)
    data = _data(model)
    grid = _grid(model, data.words)
    net = _Network.of(model, grid, data)
    step = 1 << grid.bits
    for lo in range(0, total, step):
        counts[lo : lo + step] = _tally(net.outputs(lo), data.slots, grid)
        if progress is not None:
            progress(lo + step, total)
    return counts


@dataclass(frozen=True)
class Census:
    """The outcome of counting every weight string: what the oracle marks and what is reachable."""

    num_weights: int
    num_examples: int
    min_correct: int
    marked: int
    best: int
    histogram: tuple[tuple[int, int], ...]  # (correct examples, number of weight strings)

    @property
    def reachable(self) -> tuple[int, ...]:
        return tuple(c for c, _ in self.histogram)


def census(
    model: Model,
    counts: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Census:
    """Count, for all 2^n weight strings, how many meet `accept`, and the best count reachable.

    `progress` is passed to `correct_counts` (unused when `counts` is given).
    """
    if counts is None:
        counts = correct_counts(model, progress)
    values, freq = np.unique(counts, return_counts=True)
    histogram = tuple((int(v), int(f)) for v, f in zip(values, freq, strict=True))
    k = model.accept.min_correct
    return Census(
        num_weights=model.num_weights,
        num_examples=model.num_examples,
        min_correct=k,
        marked=sum(f for v, f in histogram if v >= k),
        best=int(values.max()),
        histogram=histogram,
    )

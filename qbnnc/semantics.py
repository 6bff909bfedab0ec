"""The classical reference: what the network computes and how many examples a weight string fits.

A weight string is an integer `w` whose bit `i` is weight `i` in canonical order (the order of
`Model.weight_names`), the same bit order as the measured `weights` register.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from qbnnc.frontend.model import Layer, Model

# Exhaustive counting visits every weight string; 2^24 strings take seconds, 2^25 and up are
# refused so that `iterations auto` never stalls the compiler.
MAX_COUNTED_WEIGHTS = 24


def neuron_fires(
    encoding: str, lines: Sequence[int], weights: Sequence[int], threshold: int
) -> int:
    """One neuron on known bits: 1 when at least `threshold` lines match under `encoding`."""
    if encoding == "xnor":
        matches = sum(1 for x, w in zip(lines, weights, strict=True) if x == w)
    else:
        matches = sum(1 for x, w in zip(lines, weights, strict=True) if x != w)
    return int(matches >= threshold)


def layer_weights(model: Model, weights: int) -> list[tuple[tuple[int, ...], ...]]:
    """Split a weight string into each layer's neuron-major weight bits (fixed layers as given)."""
    out: list[tuple[tuple[int, ...], ...]] = []
    offset = 0
    for layer in model.layers:
        if layer.fixed is not None:
            out.append(layer.fixed)
            continue
        rows = []
        for _ in range(layer.width):
            rows.append(tuple((weights >> (offset + i)) & 1 for i in range(layer.fan_in)))
            offset += layer.fan_in
        out.append(tuple(rows))
    return out


def forward(model: Model, weights: int, inputs: Sequence[int]) -> tuple[int, ...]:
    """The network's output bits for one weight string and one input, by direct evaluation."""
    values: dict[str, tuple[int, ...]] = {model.input_name: tuple(inputs)}
    for layer, rows in zip(model.layers, layer_weights(model, weights), strict=True):
        lines = [bit for s in layer.sources for bit in values[s.name]]
        values[layer.name] = tuple(
            neuron_fires(model.encoding, lines, row, layer.threshold) for row in rows
        )
    return values[model.layers[-1].name]


def correct(model: Model, weights: int) -> int:
    """How many examples the weight string classifies correctly (every output bit right)."""
    return sum(1 for e in model.examples if forward(model, weights, e.inputs) == e.label)


def example_groups(model: Model) -> list[tuple[tuple[int, ...], list[tuple[tuple[int, ...], int]]]]:
    """Examples grouped by input: each distinct input with its (label, multiplicity) pairs.

    The network's output depends only on the input, so it is computed once per group.
    """
    by_input: dict[tuple[int, ...], Counter[tuple[int, ...]]] = {}
    for e in model.examples:
        by_input.setdefault(e.inputs, Counter())[e.label] += 1
    return [(x, sorted(labels.items())) for x, labels in by_input.items()]


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


def correct_counts(model: Model, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """For every weight string `w` (index), the number of examples it classifies correctly.

    Bit-parallel over the distinct inputs and a chunk of weight strings at a time (memory
    stays flat; see the comment above `_CHUNK_WORDS`). `progress(done, total)` is called with
    the weight strings counted so far after each chunk.
    """
    n = model.num_weights
    if n > MAX_COUNTED_WEIGHTS:
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


def grover_angle(marked: int, num_weights: int) -> float:
    """theta = asin(sqrt(M/N)), N = 2^num_weights."""
    return math.asin(math.sqrt(marked / float(1 << num_weights)))


def optimal_iterations(marked: int, num_weights: int) -> int:
    """round(pi/(4 theta) - 1/2) with halves rounded up, which is floor(pi/(4 theta))."""
    return math.floor(math.pi / (4 * grover_angle(marked, num_weights)))


def success_probability(marked: int, num_weights: int, iterations: int) -> float:
    """sin^2((2K+1) theta): the chance of measuring a marked weight string after K iterations."""
    theta = grover_angle(marked, num_weights)
    return math.sin((2 * iterations + 1) * theta) ** 2


def weight_string(weights: int, num_weights: int) -> str:
    """Canonical-order bit string: weight 0 first (the reverse of Qiskit's count keys)."""
    return "".join(str((weights >> i) & 1) for i in range(num_weights))


def weight_index(text: str) -> int:
    """The weight string `weight_string` writes as `text` (the empty one is 0)."""
    return sum(1 << i for i, bit in enumerate(text) if bit == "1")


# --- a trained network: every weight known -----------------------------------------------


def fix_weights(model: Model, weights: int) -> Model:
    """The model with every layer `fixed`: trainable layers at the weight string `weights`
    (bit i is weight i in canonical order), fixed layers as they were."""
    rows = layer_weights(model, weights)
    layers = tuple(
        replace(layer, fixed=fixed) for layer, fixed in zip(model.layers, rows, strict=True)
    )
    return replace(model, layers=layers)


@dataclass(frozen=True)
class Evaluation:
    """How a network classifies a data set: accuracy and the confusion table.

    `labels` are the label bit strings that occur (true or predicted), sorted; `confusion[i][j]`
    counts the examples whose label is `labels[i]` and whose prediction is `labels[j]`.
    """

    correct: int
    examples: int
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.examples if self.examples else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "correct": self.correct,
            "examples": self.examples,
            "accuracy": self.accuracy,
            "labels": list(self.labels),
            "confusion": [list(row) for row in self.confusion],
        }


@dataclass(frozen=True)
class Network:
    """A network whose every weight is known (`model` has only fixed layers), evaluated
    classically by `forward`: what `train` found, or a saved `.bnn` read back."""

    model: Model

    def __post_init__(self) -> None:
        if any(layer.trainable for layer in self.model.layers):
            raise ValueError(
                f"network '{self.model.name}' has trainable layers: train it first "
                "(qbnnc.train, or `qbnnc train MODEL --save FILE.bnn`)"
            )

    @classmethod
    def of(cls, model: Model, weights: int | str) -> Network:
        """The network of `model` at the weight string `weights`: an int (bit i is weight i)
        or a canonical-order string of 0s and 1s (weight 0 first, as `train` prints)."""
        if isinstance(weights, str):
            if len(weights) != model.num_weights or set(weights) - {"0", "1"}:
                raise ValueError(
                    f"weights must be {model.num_weights} characters of 0 and 1, got {weights!r}"
                )
            weights = sum(int(b) << i for i, b in enumerate(weights))
        return cls(fix_weights(model, weights))

    @property
    def neurons(self) -> dict[str, str]:
        """Each neuron's weights, one bit per line of its sources in order: {'h[0]': '011'}."""
        return {
            f"{layer.name}[{j}]": "".join(map(str, row))
            for layer in self.model.layers
            for j, row in enumerate(layer.fixed or ())
        }

    def predict(self, X: object) -> np.ndarray:  # noqa: N803 - the usual name for inputs
        """The output bits for each row of `X` (rows x input bits, 0/1): shape (rows,) for a
        one-bit output, else (rows, output bits); dtype uint8."""
        from qbnnc.frontend.data import bit_matrix

        x = bit_matrix(X, self.model.input_width, "X")
        out = np.zeros((len(x), self.model.output_width), dtype=np.uint8)
        if len(x):
            # The output depends only on the row: each distinct row is evaluated once.
            rows, inverse = np.unique(x, axis=0, return_inverse=True)
            values = np.array(
                [forward(self.model, 0, tuple(int(b) for b in row)) for row in rows],
                dtype=np.uint8,
            )
            out = values[inverse.reshape(-1)]
        return out[:, 0] if self.model.output_width == 1 else out

    def evaluate(self, X: object, y: object) -> Evaluation:  # noqa: N803
        """Accuracy (every output bit right) and confusion table on `X`, labels `y`."""
        from qbnnc.frontend.data import bit_matrix

        k = self.model.output_width
        labels = bit_matrix(y, k, "y")
        predicted = self.predict(X).reshape(-1, k)
        if len(predicted) != len(labels):
            raise ValueError(f"X has {len(predicted)} rows but y has {len(labels)}")
        return evaluation(predicted, labels)

    def bnn(self, comment: str = "") -> str:
        """The network as a `.bnn` model (every layer fixed; its examples inline), whose
        train block accepts what this network scores on them, so the file checks."""
        from qbnnc.frontend.model import Accept
        from qbnnc.frontend.unparse import bnn_text

        score = correct(self.model, 0)
        accept = Accept("correct", score, f"correct >= {score}")
        return bnn_text(replace(self.model, accept=accept, iterations=None, expect=None), comment)


def evaluation(predicted: np.ndarray, labels: np.ndarray) -> Evaluation:
    """The accuracy and confusion table of `predicted` against `labels` (rows x bits)."""
    truth = ["".join(map(str, row)) for row in labels.tolist()]
    guess = ["".join(map(str, row)) for row in predicted.tolist()]
    names = tuple(sorted(set(truth) | set(guess)))
    index = {name: i for i, name in enumerate(names)}
    table = np.zeros((len(names), len(names)), dtype=np.int64)
    for t, g in zip(truth, guess, strict=True):
        table[index[t], index[g]] += 1
    right = sum(t == g for t, g in zip(truth, guess, strict=True))
    return Evaluation(right, len(truth), names, tuple(tuple(map(int, r)) for r in table))

"""Check a syntax tree and turn it into a `model.Model`: names resolved, defaults filled,
data loaded. Every independent error is collected; one `CompileError` carries them all.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from qbnnc.diagnostics import CompileError, Diagnostic, Span, plural, printable
from qbnnc.frontend import syntax
from qbnnc.frontend.data import array_examples, csv_path, load_csv
from qbnnc.frontend.model import Accept, Angle, Example, Layer, Model, Oracle, Source, Spans

# A phase register this wide already needs 2^64 controlled sweeps; beyond it 2^P itself
# is impractical to compute with, so larger precisions are refused outright.
MAX_PRECISION = 64
MAX_ERRORS = 20
# `expect M` sets the iterations to about pi/4 sqrt(2^weights / M). Written counts have at
# most 30 digits (`parse.MAX_NUMBER_DIGITS`); a derived count may not be larger either
# (a model with 1,024 weights and `expect 1` would need about 2^511 iterations).
MAX_ITERATIONS = 10**30 - 1


def check(
    file: syntax.File,
    text: str,
    path: str | None,
    *,
    data_root: str | os.PathLike[str] | None = None,
    syntax_errors: Sequence[Diagnostic] = (),
    data: tuple[object, object] | None = None,
) -> Model:
    """The checked model of `file`, or `CompileError` with every error found.

    `data_root`: the folder `data from` may read inside (None: the model's folder).
    `syntax_errors`: those of the parser's error recovery (`parse.parse_recovering`), which
    `file` holds what could be read of; reported together with the checker's, in order.
    `data`: the training set as arrays (inputs, labels), for a file without a data source.
    """
    checker = _Checker(text, path, data_root, data)
    model = checker.run(file)
    # A token the parser already faulted (a keyword as a name, an overlong number) is not
    # faulted again for what it became.
    taken = {(d.path, d.line, d.column) for d in syntax_errors if d.line > 0}
    found = [d for d in checker.errors if (d.path, d.line, d.column) not in taken]
    errors = [*syntax_errors, *found]
    if errors or model is None:
        raise CompileError(_capped(errors, path))
    return model


def _is_note(diagnostic: Diagnostic) -> bool:
    return diagnostic.line == 0 and diagnostic.message.startswith("... and ")


def _capped(errors: list[Diagnostic], path: str | None) -> list[Diagnostic]:
    """The model's errors in order, at most `MAX_ERRORS` of them, then the data file's
    (which `load_csv` caps itself), then the notes on how many were left out."""
    notes = [d for d in errors if _is_note(d)]
    own = sorted(
        (d for d in errors if d.path == path and not _is_note(d)), key=lambda d: (d.line, d.column)
    )
    others = [d for d in errors if d.path != path and not _is_note(d)]
    if len(own) > MAX_ERRORS:
        more = len(own) - MAX_ERRORS
        own = own[:MAX_ERRORS]
        # A parser that stopped early already says that more are left out, uncounted.
        if not any(d.path == path for d in notes):
            note = f"... and {plural(more, 'more error')}"
            notes.insert(0, Diagnostic.at(Span(path, 0, 0), note))
    return own + others + notes


@dataclass
class _Network:
    """What the network block declares, as far as it checks out."""

    name: str
    encoding: Literal["xnor", "xor"] = "xnor"
    input: syntax.InputDecl | None = None
    layers: list[Layer] = field(default_factory=list)
    output: syntax.LayerDecl | None = None  # the last layer declared, even if it has errors
    complete: bool = True  # False once an error makes widths or fan-ins unknown
    output_known: bool = True  # False when an unreadable line may declare the last layer

    @property
    def input_width(self) -> int | None:
        if self.input is None or self.input.size.value < 1:
            return None
        return self.input.size.value

    @property
    def output_width(self) -> int | None:
        if self.output is None or self.output.size.value < 1 or not self.output_known:
            return None
        return self.output.size.value

    @property
    def num_weights(self) -> int:
        return sum(layer.width * layer.fan_in for layer in self.layers if layer.trainable)


@dataclass
class _Train:
    oracle: Oracle | None = None
    accept: Accept | None = None
    iterations: int | None = None
    expect: int | None = None
    uncompute: Literal["unitary", "measure"] = "unitary"


class _Checker:
    def __init__(
        self,
        text: str,
        path: str | None,
        data_root: str | os.PathLike[str] | None = None,
        data: tuple[object, object] | None = None,
    ) -> None:
        self.text = text
        self.given_data = data
        self.path = path
        self.data_root = data_root
        self.broken_words: frozenset[str] = frozenset()
        self.errors: list[Diagnostic] = []
        # Where each train setting was written, by its keyword (a field of `Spans`).
        self.setting_spans: dict[str, Span] = {}

    def error(self, span: Span | None, message: str) -> None:
        self.errors.append(Diagnostic.at(span, message, self.text))

    def file_error(self, message: str) -> None:
        self.errors.append(Diagnostic.at(Span(self.path, 0, 0), message))

    # ---- the file ------------------------------------------------------------------------

    def run(self, file: syntax.File) -> Model | None:
        networks = [b for b in file.blocks if isinstance(b, syntax.Network)]
        sources = [b for b in file.blocks if isinstance(b, syntax.DataBlock | syntax.DataFrom)]
        trains = [b for b in file.blocks if isinstance(b, syntax.Train)]
        self.only_one(networks, "network block", "merge it into the first or remove it")
        self.only_one(sources, "data source", "remove this one")
        self.only_one(trains, "train block", "merge its settings into the first")

        network: _Network | None = None
        if networks:
            network = self.network(networks[0])
        elif file.complete:
            self.file_error(
                "there is no network block: add `network NAME { ... }` with an input and a layer"
            )
        examples: list[Example] | None = None
        if self.given_data is not None:
            for source in sources:
                self.error(
                    source.span,
                    "the data is given twice: by the arrays passed as `data=` and by this; "
                    "remove one",
                )
            widths = (network.input_width, network.output_width) if network else (None, None)
            examples = self.arrays(self.given_data, *widths) or None
        elif sources:
            examples = self.data(sources[0], network)
        elif file.complete:
            self.file_error(
                'there is no training data: add a `data { ... }` block or `data from "FILE.csv"`'
            )
        settings = _Train()
        if trains:
            settings = self.train(trains[0], network, examples)
        if self.errors or network is None or examples is None or network.input is None:
            return None
        num_examples = len(examples)
        return Model(
            name=network.name,
            encoding=network.encoding,
            input_name=network.input.name.text,
            input_width=network.input.size.value,
            layers=tuple(network.layers),
            examples=tuple(examples),
            oracle=settings.oracle or Oracle("counter"),
            accept=settings.accept or Accept("all", num_examples, "all"),
            iterations=settings.iterations,
            expect=settings.expect,
            uncompute=settings.uncompute,
            path=self.path,
            spans=Spans(
                network=networks[0].span,
                data=sources[0].span if self.given_data is None else None,
                train=trains[0].span if trains else None,
                **self.setting_spans,
            ),
            source=self.text,
            columns=next((s.columns for s in sources[:1]), None),
        )

    def only_one(self, blocks: Sequence[syntax.Block], what: str, fix: str) -> None:
        for extra in blocks[1:]:
            first = blocks[0].span.line
            self.error(extra.span, f"a file holds one {what}; the first is at line {first}: {fix}")

    # ---- network ---------------------------------------------------------------------------

    def network(self, block: syntax.Network) -> _Network:
        net = _Network(block.name.text, complete=block.complete)
        self.broken_words = block.broken_words
        encodings = [s for s in block.statements if isinstance(s, syntax.EncodingDecl)]
        inputs = [s for s in block.statements if isinstance(s, syntax.InputDecl)]
        decls = [s for s in block.statements if isinstance(s, syntax.LayerDecl)]
        if encodings:
            net.encoding = encodings[0].encoding
        for extra in encodings[1:]:
            line = encodings[0].span.line
            self.error(extra.span, f"the encoding is already given at line {line}: give it once")
        # The input may be written anywhere in the block: it is not a layer, so "declared
        # earlier" does not apply to it.
        if inputs:
            net.input = inputs[0]
            if inputs[0].size.value < 1:
                self.error(
                    inputs[0].size.span,
                    f"input '{inputs[0].name.text}' needs at least 1 bit, "
                    f"got {inputs[0].size.value}",
                )
        elif block.complete:  # else an unreadable line may be the input
            self.error(
                block.name.span,
                f"network '{block.name.text}' has no input: add a line such as `input x[2]`",
            )
        for extra in inputs[1:]:
            first = inputs[0]
            self.error(
                extra.span,
                f"network '{block.name.text}' already reads input '{first.name.text}' "
                f"(line {first.span.line}): a network has exactly one input",
            )
        self.layers(net, decls)
        net.output = decls[-1] if decls else None
        if not block.complete:  # the last layer may be on an unreadable line
            last = decls[-1].span.line if decls else 0
            net.output_known = max(block.broken_lines) < last
        if not decls and block.complete:
            self.error(
                block.name.span,
                f"network '{block.name.text}' has no layer: add one such as "
                f"`layer y[1] from {net.input.name.text if net.input else 'x'}`",
            )
        return net

    def layers(self, net: _Network, decls: list[syntax.LayerDecl]) -> None:
        declared: dict[str, Span] = {}
        if net.input is not None:
            declared[net.input.name.text] = net.input.name.span
        widths: dict[str, int | None] = {}
        if net.input is not None:
            widths[net.input.name.text] = net.input_width
        # Where each name is first declared as a layer, to tell "declared later" apart from
        # "unknown" in one look-up (a network may have thousands of layers).
        first_decl: dict[str, tuple[int, syntax.LayerDecl]] = {}
        for index, decl in enumerate(decls):
            first_decl.setdefault(decl.name.text, (index, decl))
        for index, decl in enumerate(decls):
            name = decl.name.text
            if name in declared:
                self.error(
                    decl.name.span,
                    f"'{name}' is already declared at line {declared[name].line}: "
                    "give this layer another name",
                )
                net.complete = False
                continue
            layer = self.layer(decl, widths, index, first_decl)
            declared[name] = decl.name.span
            # Later layers can be checked against this one whenever its size is known.
            widths[name] = decl.size.value if decl.size.value >= 1 else None
            if layer is None:
                net.complete = False
            else:
                net.layers.append(layer)

    def layer(
        self,
        decl: syntax.LayerDecl,
        widths: dict[str, int | None],
        index: int,
        first_decl: dict[str, tuple[int, syntax.LayerDecl]],
    ) -> Layer | None:
        name = decl.name.text
        ok = True
        if decl.size.value < 1:
            self.error(
                decl.size.span, f"layer '{name}' needs at least 1 neuron, got {decl.size.value}"
            )
            ok = False
        sources: list[Source] = []
        seen: set[str] = set()
        for ref in decl.sources:
            source = self.source(name, ref, widths, index, first_decl)
            if ref.text in seen:
                self.error(ref.span, f"'{ref.text}' is already a source of '{name}': name it once")
                ok = False
            seen.add(ref.text)
            if source is None:
                ok = False
            else:
                sources.append(source)
        if not ok:
            return None
        fan_in = sum(s.width for s in sources)
        threshold = fan_in // 2 + 1
        if decl.threshold is not None:
            threshold = decl.threshold.value
            if not 1 <= threshold <= fan_in:
                self.error(
                    decl.threshold.span,
                    f"threshold {threshold} is outside 1..{fan_in}: layer '{name}' has "
                    f"fan-in {fan_in} (one weight per source line)",
                )
                ok = False
        fixed: tuple[tuple[int, ...], ...] | None = None
        if decl.fixed is not None:
            expected = decl.size.value * fan_in
            got = len(decl.fixed.text)
            if got != expected:
                shape = f"{plural(decl.size.value, 'neuron')} x {plural(fan_in, 'line')}"
                self.error(
                    decl.fixed.span,
                    f"layer '{name}' needs {plural(expected, 'fixed bit')} ({shape}, "
                    "neuron-major), "
                    f"got {got}",
                )
                ok = False
            else:
                bits = decl.fixed.values
                fixed = tuple(bits[j * fan_in : (j + 1) * fan_in] for j in range(decl.size.value))
        if not ok:
            return None
        return Layer(name, decl.size.value, tuple(sources), threshold, fixed, decl.span)

    def source(
        self,
        layer: str,
        ref: syntax.Name,
        widths: dict[str, int | None],
        index: int,
        first_decl: dict[str, tuple[int, syntax.LayerDecl]],
    ) -> Source | None:
        if ref.text == layer:
            self.error(
                ref.span,
                f"layer '{layer}' cannot read itself: a layer reads the input and earlier layers",
            )
            return None
        if ref.text in widths:
            width = widths[ref.text]
            return None if width is None else Source(ref.text, width, ref.span)
        later = first_decl.get(ref.text)
        if later is not None and later[0] > index:
            self.error(
                ref.span,
                f"layer '{layer}' reads '{ref.text}', which is declared later (line "
                f"{later[1].span.line}): a layer reads only the input and earlier layers",
            )
            return None
        if ref.text in self.broken_words:
            return None  # perhaps declared on a line that could not be read
        known = list(widths)
        # Hints cost a scan of every name: only for errors that will be shown.
        close = []
        if len(self.errors) <= MAX_ERRORS:
            close = difflib.get_close_matches(ref.text, known, n=1, cutoff=0.5)
        if close:
            hint = f": did you mean '{close[0]}'?"
        elif len(known) > 10:
            hint = f": the sources declared so far are {', '.join(known[:10])}, ..."
        elif known:
            hint = f": the sources declared so far are {', '.join(known)}"
        else:
            hint = ": declare the input first, e.g. `input x[2]`"
        self.error(ref.span, f"unknown source '{ref.text}'{hint}")
        return None

    # ---- data ------------------------------------------------------------------------------

    def data(
        self, block: syntax.DataBlock | syntax.DataFrom, net: _Network | None
    ) -> list[Example] | None:
        n = net.input_width if net is not None else None
        k = net.output_width if net is not None else None
        if isinstance(block, syntax.DataFrom):
            return self.data_file(block, n, k)
        if block.columns is not None and n is not None and k is not None:
            self.columns(block.columns, n, k, arrays=False)
        if not block.rows:
            if block.complete:
                self.error(block.span, "the data block has no rows: add rows such as `01 -> 1`")
            return None
        examples: list[Example] = []
        ok = True
        for row in block.rows:
            if n is not None and len(row.inputs.text) != n:
                has = plural(len(row.inputs.text), "input bit")
                of = net.input.name.text if net and net.input else ""
                self.error(row.inputs.span, f"this row has {has}, expected {n} (input '{of}')")
                ok = False
            if k is not None and len(row.label.text) != k:
                has = plural(len(row.label.text), "label bit")
                of = net.output.name.text if net and net.output else ""
                self.error(
                    row.label.span, f"this row has {has}, expected {k} (output layer '{of}')"
                )
                ok = False
            examples.append(Example(row.inputs.values, row.label.values, row.span))
        complete = ok and block.complete  # else the number of examples is not known
        return examples if complete and n is not None and k is not None else None

    def data_file(
        self, block: syntax.DataFrom, n: int | None, k: int | None
    ) -> list[Example] | None:
        if n is None or k is None:
            return None  # the widths are unknown: the network's errors come first
        if block.columns is not None and not self.columns(block.columns, n, k):
            return None
        try:
            examples = load_csv(
                block.path, self.path, n, k, block.span, self.text, self.data_root, block.columns
            )
        except CompileError as error:
            self.errors += error.diagnostics
            return None
        if not examples:
            shown = csv_path(block.path, self.path)
            self.error(block.span, f"data file '{shown}' holds no examples: add rows to it")
            return None
        return examples

    def columns(self, columns: syntax.Columns, n: int, k: int, arrays: bool = True) -> bool:
        """The named columns: as many as input bits, then as many as label bits, each once.
        (Unless `arrays` is False, one name on each side may be the two arrays of a `.npz`
        file instead: `load_csv` checks those.)"""
        ok = True
        seen: dict[str, Span] = {}
        for name in (*columns.inputs, *columns.labels):
            if name.text in seen:
                self.error(
                    name.span,
                    f"column '{printable(name.text)}' is already read at column "
                    f"{seen[name.text].column}: name each column once",
                )
                ok = False
            seen.setdefault(name.text, name.span)
        if arrays and len(columns.inputs) == 1 and len(columns.labels) == 1:
            return ok  # perhaps the two arrays of a .npz file; else the counts are checked there
        for names, want, what in ((columns.inputs, n, "input"), (columns.labels, k, "label")):
            if len(names) != want:
                self.error(
                    names[0].span if len(names) < want else names[want].span,
                    f"{plural(len(names), what + ' column')} named, expected {want} (one per "
                    f"{what} bit)",
                )
                ok = False
        return ok

    def arrays(self, data: tuple[object, object], n: int | None, k: int | None) -> list[Example]:
        """The examples of the arrays handed to `compile(..., data=(X, y))`."""
        if n is None or k is None:
            return []
        try:
            inputs, labels = data
        except (TypeError, ValueError):
            raise TypeError("data must be a pair of arrays (X, y)") from None
        try:
            examples = array_examples(inputs, labels, n, k)
        except ValueError as error:
            self.file_error(f"data=(X, y): {error}")
            return []
        if not examples:
            self.file_error("data=(X, y): the arrays hold no rows")
        return examples

    # ---- train -----------------------------------------------------------------------------

    def train(
        self, block: syntax.Train, net: _Network | None, examples: list[Example] | None
    ) -> _Train:
        result = _Train()
        seen: dict[str, Span] = {}
        count = len(examples) if examples is not None else None
        for setting in block.settings:
            key = _setting_key(setting)
            if key in seen:
                self.error(
                    setting.span,
                    f"'{key}' is already set at line {seen[key].line}: give each setting once",
                )
                continue
            seen[key] = setting.span
            self.setting_spans[key] = setting.span
            if isinstance(setting, syntax.OracleCounter):
                result.oracle = Oracle("counter")
            elif isinstance(setting, syntax.OraclePhase):
                result.oracle = self.phase(setting, count)
            elif isinstance(setting, syntax.AcceptAll | syntax.AcceptCorrect):
                result.accept = self.accept_count(setting, count)
            elif isinstance(setting, syntax.AcceptAccuracy):
                result.accept = self.accept_accuracy(setting, count)
            elif isinstance(setting, syntax.Iterations):
                result.iterations = self.iterations(setting)
            elif isinstance(setting, syntax.Expect):
                # Beside an explicit `iterations K`, `expect` is checked and kept but unused.
                result.expect = self.expect(setting, net)
            else:
                result.uncompute = setting.mode
        return result

    def phase(self, setting: syntax.OraclePhase, examples: int | None) -> Oracle | None:
        precision = setting.precision
        if precision is not None and not 1 <= precision.value <= MAX_PRECISION:
            self.error(
                precision.span,
                f"precision {precision.value} is outside 1..{MAX_PRECISION}: it is the "
                "number of qubits of the phase register",
            )
            return None
        step = self.angle(setting.step) if setting.step is not None else None
        if setting.step is not None and step is None:
            return None
        if examples is None:
            return None
        needed = examples.bit_length()  # 2^P > examples: every count 0..examples fits
        bits = precision.value if precision is not None else needed
        if isinstance(setting.step, syntax.RadianAngle):
            # c x step is an irrational fraction of a turn for every count c > 0, so phase
            # estimation would spread it over several register values: the oracle would
            # not be a reflection. The fix names a step that reads every count exactly.
            exact = max(bits, needed)
            fix = f"step {Angle.of_pi(Fraction(2, 2**exact))}"
            if precision is not None:
                fix = f"precision {exact} {fix}"
            self.error(
                setting.step.span,
                f"step {setting.step.value.text} is in radians, and phase estimation reads a "
                f"count exactly only when the step is a rational multiple of pi: write it "
                f"with pi, e.g. `oracle phase {fix}`",
            )
            return None
        if step is None:
            if precision is not None and 2**bits <= examples:
                self.error(
                    precision.span,
                    f"precision {bits} cannot count {plural(examples, 'example')}: 2^{bits} = "
                    f"{2**bits} phases for {examples + 1} counts; use precision {needed}, "
                    "the smallest that works",
                )
                return None
            return Oracle("phase", bits, Angle.of_pi(Fraction(2, 2**bits)))
        if _too_large(step, examples):
            best = Angle.of_pi(Fraction(2, 2**needed))
            self.error(
                setting.step.span if setting.step is not None else setting.span,
                f"step {step} is too large for {plural(examples, 'example')}: "
                f"{examples} x step must stay below 2*pi or different counts get the same "
                f"phase; use a step of {best} (2*pi/2^{needed}) or smaller",
            )
            return None
        return Oracle("phase", bits, step)

    def angle(self, angle: syntax.AngleExpr) -> Angle | None:
        if isinstance(angle, syntax.RadianAngle):
            value = angle.value.value
            if value == 0:
                self.error(angle.span, "the step is zero, so no phase would ever be added")
                return None
            return Angle.radians(float(value))
        numerator = angle.numerator.value if angle.numerator is not None else 1
        denominator = angle.denominator.value if angle.denominator is not None else 1
        if denominator == 0:
            self.error(angle.span, "the step divides by 0: write a positive divisor, e.g. pi/8")
            return None
        if numerator == 0:
            self.error(angle.span, "the step is zero, so no phase would ever be added")
            return None
        return Angle.of_pi(Fraction(numerator, denominator))

    def accept_count(
        self, setting: syntax.AcceptAll | syntax.AcceptCorrect, examples: int | None
    ) -> Accept | None:
        if isinstance(setting, syntax.AcceptCorrect) and setting.count.value < 0:
            k = setting.count.value  # wrong whatever the data: said even when it is unknown
            self.error(setting.count.span, f"accept correct >= {k}: the count must be 0 or more")
            return None
        if examples is None:
            return None
        if isinstance(setting, syntax.AcceptAll):
            return Accept("all", examples, "all")
        k = setting.count.value
        if k > examples:
            self.error(
                setting.count.span,
                f"accept correct >= {k} can never hold: there "
                f"{'is' if examples == 1 else 'are'} only {plural(examples, 'example')}",
            )
            return None
        return Accept("correct", k, f"correct >= {k}")

    def accept_accuracy(
        self, setting: syntax.AcceptAccuracy, examples: int | None
    ) -> Accept | None:
        q = setting.percent.value
        if not 0 <= q <= 100:
            self.error(
                setting.percent.span,
                f"accuracy {setting.percent.text}% is outside 0..100%: write e.g. "
                "`accept accuracy >= 90%`",
            )
            return None
        if examples is None:
            return None
        minimum = math.ceil(q / 100 * examples)
        return Accept("accuracy", minimum, f"accuracy >= {setting.percent.text}%")

    def iterations(self, setting: syntax.Iterations) -> int | None:
        if setting.count is None:
            return None
        if setting.count.value < 0:
            self.error(
                setting.count.span,
                f"iterations {setting.count.value}: the number of Grover iterations must be 0 "
                "or more (or write `iterations auto`)",
            )
            return None
        return setting.count.value

    def expect(self, setting: syntax.Expect, net: _Network | None) -> int | None:
        m = setting.count.value
        if m < 1:
            self.error(
                setting.count.span,
                f"expect {m}: the number of marked weight strings must be at least 1",
            )
            return None
        if net is None or not net.complete:
            return m
        weights = net.num_weights
        if m.bit_length() > weights and m > 2**weights:
            self.error(
                setting.count.span,
                f"expect {m} is more than the 2^{weights} = "
                f"{plural(2**weights, 'weight string')} there {'is' if weights == 0 else 'are'}",
            )
            return None
        # pi/4 sqrt(2^weights / m) iterations, in logarithms (2^weights may not fit a float).
        log2_iterations = (weights - math.log2(m)) / 2 + math.log2(math.pi / 4)
        if log2_iterations > math.log2(MAX_ITERATIONS):
            self.error(
                setting.count.span,
                f"expect {m} with {weights} weights means about 2^{log2_iterations:.0f} Grover "
                f"iterations (pi/4 x sqrt(2^{weights} / {m})), above the limit of 10^30: "
                "train fewer weights, or write `iterations K` to choose the count yourself",
            )
            return None
        return m


def _setting_key(setting: syntax.Setting) -> str:
    if isinstance(setting, syntax.OracleCounter | syntax.OraclePhase):
        return "oracle"
    if isinstance(setting, syntax.AcceptAll | syntax.AcceptCorrect | syntax.AcceptAccuracy):
        return "accept"
    if isinstance(setting, syntax.Iterations):
        return "iterations"
    if isinstance(setting, syntax.Expect):
        return "expect"
    return "uncompute"


def _too_large(step: Angle, examples: int) -> bool:
    """Whether `examples` correct examples can add up to a full turn, so that two different
    counts would show the same phase."""
    assert step.pi_multiple is not None  # a step in radians is refused before
    return abs(step.pi_multiple) * examples >= 2

"""OpenQASM 3 output: an `openqasm3.ast.Program`, printed by the package's own printer.

Structured (default): each block becomes a `gate` definition and the Grover iterations a
`for` loop over a constant range, so the text grows with the model and the data, not with
the iteration count. Flat: only standard gates (`ctrl @` for three or more controls).

With `uncompute measure` blocks measure mid-circuit and branch (`if (and_bit[0]) {...}`),
which a `gate` cannot: those blocks are written inline at each call (non-measuring blocks
inside them stay gate calls), and the iteration loop's body holds the inlined statements.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

import openqasm3
import openqasm3.ast as ast

from qbnnc.frontend.model import Angle
from qbnnc.synthesis.circuit import (
    Block,
    Call,
    Circuit,
    Gate,
    IfBit,
    Measure,
    Op,
    flatten,
    measuring_blocks,
)

# How a qubit index is written: a gate's parameter (`a`) or a program qubit (`w[3]`).
QubitRef = Callable[[int], ast.Identifier | ast.IndexedIdentifier]

# stdgates.inc names for a base gate with a given number of controls.
_NAMED = {
    ("x", 1): "cx",
    ("x", 2): "ccx",
    ("z", 1): "cz",
    ("p", 1): "cp",
    ("y", 1): "cy",
    ("h", 1): "ch",
}


def emit(circuit: Circuit, header: Iterable[str] = (), flat: bool = False) -> str:
    """The program text: header comment after the include line, then the program.

    The program is an `openqasm3.ast.Program` printed by the package's printer, except the
    bodies of long or wide gate definitions (a data set's sweep: one statement per row),
    which `_fast_body` writes in the printer's own format, far faster than building and
    printing an AST node per qubit argument.
    """
    if flat:
        text = openqasm3.dumps(program(circuit, flat=True), indent="  ")
    else:
        text = "".join(_structured_parts(circuit))
    head, sep, rest = text.partition('include "stdgates.inc";\n')
    return head + sep + comment(header) + rest


def comment(header: Iterable[str]) -> str:
    """`header` as `//` comment lines (each line must be free of line breaks)."""
    return "".join(f"// {line}\n" if line else "//\n" for line in header)


# A gate with more formal qubits than this gets compact parameter names, and a call with
# more arguments than this lists them without spaces: the sweep over a data set calls a
# forward pass on thousands of qubits once per row.
WIDE = 64
# A gate body with more statements than this is printed by `_fast_body`.
LONG = 256


def _declarations(circuit: Circuit) -> list[ast.Statement]:
    statements: list[ast.Statement] = [ast.Include("stdgates.inc")]
    for reg in circuit.registers:
        statements.append(ast.QubitDeclaration(_id(reg.name), ast.IntegerLiteral(reg.size)))
    for name, size in circuit.clbits:
        statements.append(
            ast.ClassicalDeclaration(ast.BitType(ast.IntegerLiteral(size)), _id(name))
        )
    return statements


def program(circuit: Circuit, flat: bool = False) -> ast.Program:
    """The whole program as one AST (the structured form builds every gate body as nodes)."""
    qubit_ref = _program_qubits(circuit)
    statements = _declarations(circuit)
    if flat:
        statements += [_statement(op, qubit_ref) for op in flatten(circuit)]
    else:
        inline = measuring_blocks(circuit)
        blocks = circuit.block_map
        statements += [_definition(b) for b in circuit.blocks if b.name not in inline]
        statements += _main(circuit, qubit_ref, blocks, inline)
    return ast.Program(statements, version="3.0")


def _structured_parts(circuit: Circuit) -> Iterator[str]:
    """The structured program's text, statement by statement."""
    yield openqasm3.dumps(ast.Program(_declarations(circuit), version="3.0"), indent="  ")
    inline = measuring_blocks(circuit)
    blocks = circuit.block_map
    for block in circuit.blocks:
        if block.name in inline:
            continue
        if block.arity > WIDE or len(block.body) > LONG:
            params = _params(block.arity)
            yield f"gate {block.name} {', '.join(params)} {{\n"
            yield from _fast_body(block.body, params)
            yield "}\n"
        else:
            yield openqasm3.dumps(_definition(block), indent="  ")
    qubit_ref = _program_qubits(circuit)
    for statement in _main(circuit, qubit_ref, blocks, inline):
        yield openqasm3.dumps(statement, indent="  ")


def _definition(block: Block) -> ast.QuantumGateDefinition:
    params = _params(block.arity)
    body = [s for op in block.body for s in _statements(op, lambda q, p=params: _id(p[q]))]
    return ast.QuantumGateDefinition(_id(block.name), [], [_id(p) for p in params], body)


def _main(
    circuit: Circuit, qubit_ref: QubitRef, blocks: dict[str, Block], inline: frozenset[str]
) -> list[ast.Statement]:
    statements: list[ast.Statement] = []
    for op in circuit.body:
        if isinstance(op, Call) and op.repeat > 1:
            once = Call(op.block, op.qubits, op.inverse)
            statements.append(
                ast.ForInLoop(
                    ast.UintType(),
                    _id("_"),
                    ast.RangeDefinition(
                        ast.IntegerLiteral(0), ast.IntegerLiteral(op.repeat - 1), None
                    ),
                    _structured(once, qubit_ref, blocks, inline),
                )
            )
        else:
            statements += _structured(op, qubit_ref, blocks, inline)
    return statements


# Names a compact parameter may not take: OpenQASM 3 keywords and built-in names, and the
# gates of stdgates.inc (a parameter named like a gate would read ambiguously).
_RESERVED = frozenset(
    # The lexer's keywords (openqasm3's grammar), constants and literals.
    "OPENQASM angle array barrier bit bool box break cal case complex const continue creg "
    "ctrl def default defcal defcalgrammar delay duration durationof else end extern float "
    "for gate gphase if im in include input int inv let measure mutable negctrl output pow "
    "qreg qubit readonly reset return stretch switch uint void while true false pi tau euler "
    "dt ns us ms s "
    # The built-in gate and the gates of stdgates.inc.
    "U u u1 u2 u3 x y z h s t p sx rx ry rz cx cy cz ch cp crx cry crz cu ccx id phase "
    "cphase sdg tdg swap cswap".split()
)
_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_REST = _FIRST + "0123456789_"


def _params(arity: int) -> list[str]:
    """Formal qubit names: q0, q1, ... for narrow gates; the shortest free identifiers
    (a, b, ..., aa, ab, ...) for wide ones, whose calls repeat every name once per row."""
    if arity <= WIDE:
        return [f"q{i}" for i in range(arity)]
    out: list[str] = []
    for size in itertools.count(1):
        for first in _FIRST:
            for rest in itertools.product(_REST, repeat=size - 1):
                name = first + "".join(rest)
                if name not in _RESERVED:
                    out.append(name)
                    if len(out) == arity:
                        return out
    raise AssertionError("unreachable")


def _fast_body(ops: tuple[Op, ...], params: list[str]) -> Iterator[str]:
    """Gate-body statements in openqasm3's printed format (two-space indent)."""
    angles: dict[Angle, str] = {}
    for op in ops:
        qubits = [params[q] for q in op.qubits]
        joined = ",".join(qubits) if len(qubits) > WIDE else ", ".join(qubits)
        if isinstance(op, Call):
            yield f"  {'inv @ ' if op.inverse else ''}{op.block} {joined};\n" * op.repeat
        elif isinstance(op, Gate):
            named = _NAMED.get((op.name, op.controls))
            prefix = ""
            if named is None and op.controls:
                prefix = "ctrl @ " if op.controls == 1 else f"ctrl({op.controls}) @ "
            angle = ""
            if op.angle is not None:
                if op.angle not in angles:
                    angles[op.angle] = openqasm3.dumps(angle_expression(op.angle))
                angle = f"({angles[op.angle]})"
            yield f"  {prefix}{named or op.name}{angle} {joined};\n"
        else:
            raise ValueError("measurements are never inside a gate definition")


def _structured(
    op: Op, ref: QubitRef, blocks: dict[str, Block], inline: frozenset[str]
) -> list[ast.Statement]:
    """Statements for `op`: a gate call, or the body of a measuring block written in place."""
    if not (isinstance(op, Call) and op.block in inline):
        return list(_statements(op, ref))
    out: list[ast.Statement] = []
    for _ in range(op.repeat):
        for inner in blocks[op.block].body:
            out += _structured(inner.remap(op.qubits), ref, blocks, inline)
    return out


def _program_qubits(circuit: Circuit) -> QubitRef:
    names: list[ast.IndexedIdentifier] = []
    for reg in circuit.registers:
        names += [_indexed(reg.name, i) for i in range(reg.size)]

    def ref(q: int) -> ast.IndexedIdentifier:
        return names[q]

    return ref


def _statements(op: Op, ref: QubitRef) -> Iterable[ast.Statement]:
    if isinstance(op, Call):
        return [_call(Call(op.block, op.qubits, op.inverse), ref)] * op.repeat
    return [_statement(op, ref)]


def _statement(op: Gate | Measure | IfBit, ref: QubitRef) -> ast.Statement:
    if isinstance(op, IfBit):
        return ast.BranchingStatement(
            _indexed(op.register, op.index), [_statement(g, ref) for g in op.body], []
        )
    if isinstance(op, Measure):
        return ast.QuantumMeasurementStatement(
            ast.QuantumMeasurement(ref(op.qubit)), _indexed(op.register, op.index)
        )
    named = _NAMED.get((op.name, op.controls))
    modifiers = []
    if named is None and op.controls:
        modifiers = [ast.QuantumGateModifier(ast.GateModifierName.ctrl, _int_or_none(op.controls))]
    args = [angle_expression(op.angle)] if op.angle is not None else []
    return ast.QuantumGate(modifiers, _id(named or op.name), args, [ref(q) for q in op.qubits])


def _call(op: Call, ref: QubitRef) -> ast.QuantumGate:
    modifiers = [ast.QuantumGateModifier(ast.GateModifierName.inv, None)] if op.inverse else []
    return ast.QuantumGate(modifiers, _id(op.block), [], [ref(q) for q in op.qubits])


def _int_or_none(n: int) -> ast.IntegerLiteral | None:
    return None if n == 1 else ast.IntegerLiteral(n)


def angle_expression(angle: Angle) -> ast.Expression:
    """pi fractions as `N*pi/D` (exact, readable); other angles as float literals."""
    m = angle.pi_multiple
    if m is None:
        return ast.FloatLiteral(angle.value)
    if m == 0:
        return ast.IntegerLiteral(0)
    expr: ast.Expression = _id("pi")
    if abs(m.numerator) != 1:
        expr = ast.BinaryExpression(
            ast.BinaryOperator["*"], ast.IntegerLiteral(abs(m.numerator)), expr
        )
    if m.denominator != 1:
        expr = ast.BinaryExpression(
            ast.BinaryOperator["/"], expr, ast.IntegerLiteral(m.denominator)
        )
    if m < 0:
        expr = ast.UnaryExpression(ast.UnaryOperator["-"], expr)
    return expr


def _id(name: str) -> ast.Identifier:
    return ast.Identifier(name)


def _indexed(name: str, index: int) -> ast.IndexedIdentifier:
    return ast.IndexedIdentifier(_id(name), [[ast.IntegerLiteral(index)]])

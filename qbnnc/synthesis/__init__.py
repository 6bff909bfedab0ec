"""Synthesis: optimised dataflow -> reversible circuit (specialise, lower, oracle, grover),
the circuit IR, its reversible arithmetic and its cost model (decompose)."""

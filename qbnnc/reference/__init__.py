"""The classical reference: the network evaluated on known bits, the census of every weight
string, Grover's formula, and trained networks."""

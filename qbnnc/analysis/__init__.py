"""What a compiled circuit costs: resource counts (`stats`), the Toffoli convention shared
with the authors' baseline (`cost`, `baseline`), physical estimates (`estimate`), and the
time and memory of a job before it starts (`budget`)."""

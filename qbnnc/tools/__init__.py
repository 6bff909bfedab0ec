"""Tools built on compiled programs: local simulation, training, plots, the authors'
baseline construction, test helpers."""

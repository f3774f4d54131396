"""Name development sets and their measures (see devset.py)."""

"""Benchmarks of courtroom against baselines run alongside (``python -m bench``).

Not part of the distribution: a tool of this repository, free to start server processes
and to reach into their setup where the platform has no public way yet.
"""

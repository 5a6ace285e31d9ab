"""Benchmarks of each page's queries: `python -m bench --db URL`."""

"""Benchmarks and the September load test (run from a checkout with `make bench`; not installed, not shipped)."""

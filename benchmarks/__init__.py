"""Benchmarks: rectifiers beside PyTorch CPU at the same thread count (``python -m benchmarks``)."""

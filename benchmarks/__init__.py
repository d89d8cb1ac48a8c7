"""Side-by-side benchmarks of aifkg and its peers, run with `make bench` (`python -m benchmarks`)."""

"""zerolab-cluster: ZeroLab's self-play data generation on a Ray cluster (docs/cluster.md)."""

"""Developer and operator tools that no service runs: benchmarks, the local stack runner,
synthetic data generators and document generators."""

"""Where parsing runs and for how long: local process pools, a Dask cluster, time limits."""

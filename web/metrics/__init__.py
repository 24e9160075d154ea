"""Prometheus metrics (docs/operations.md, "Metrics"): counters and histograms kept by each
process (web workers and schedulers; in gunicorn's multiprocess mode shared through
PROMETHEUS_MULTIPROC_DIR), and gauges read from the database when /metrics is scraped."""

"""Liveness and readiness for load balancers and process managers: /healthz and /readyz."""

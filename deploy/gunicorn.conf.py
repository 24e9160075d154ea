"""Gunicorn settings for production, used as ``terugkeer serve --config deploy/gunicorn.conf.py``.

`terugkeer serve` already sets the address, workers and threads (TERUGKEER_WEB_BIND,
TERUGKEER_WEB_WORKERS, TERUGKEER_WEB_THREADS), the gthread worker, no preloading, and the hooks
that keep the metrics of PROMETHEUS_MULTIPROC_DIR right (web/serving.py). A setting here
overrides those; see docs/operations.md.
"""

# A request may take at most this long (engine commands are bounded by TERUGKEER_COMMAND_SECONDS
# and the database timeouts; exports and uploads take longer).
timeout = 60
# On SIGTERM, running requests get this long to finish.
graceful_timeout = 30
# Behind a reverse proxy that keeps connections open.
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once).
max_requests = 5000
max_requests_jitter = 500
# The reverse proxy's address: gunicorn trusts its X-Forwarded-Proto from there. The app itself
# reads the forwarded headers through TERUGKEER_PROXY_COUNT (werkzeug's ProxyFix).
forwarded_allow_ips = "127.0.0.1,::1"
# Gunicorn's own log to stderr (systemd's journal); no access log: it would hold case numbers.
errorlog = "-"
loglevel = "info"

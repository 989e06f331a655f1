#!/usr/bin/env bash
# Make a Docker daemon answer on this host (CI helper). Idempotent: does nothing when
# `docker info` already works. Installs docker.io from apt when the CLI or daemon is missing.
set -euo pipefail

LOG_FILE="${DOCKERD_LOG:-/var/log/dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"

log() { printf '[docker-up] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

docker_answers() {
  docker info >/dev/null 2>&1 || { [ "$(id -u)" -ne 0 ] && sudo -n docker info >/dev/null 2>&1; }
}

if docker_answers; then
  log "daemon already answering"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  log "installing docker.io"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io
fi

dockerd_running() {
  if command -v pgrep >/dev/null 2>&1; then pgrep -x dockerd >/dev/null 2>&1; else pidof dockerd >/dev/null 2>&1; fi
}

# A daemon may be starting already (a parallel call, or systemd); only spawn one if none runs.
if ! dockerd_running; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && as_root systemctl start docker 2>/dev/null; then
    log "started docker.service"
  else
    log "starting dockerd (log: $LOG_FILE)"
    as_root mkdir -p "$(dirname "$LOG_FILE")"
    # setsid + nohup: the daemon must outlive this script and its terminal.
    as_root setsid nohup dockerd >>"$LOG_FILE" 2>&1 < /dev/null &
  fi
fi

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until docker_answers; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "dockerd did not answer within ${WAIT_SECONDS}s; last log lines:"
    tail -n 20 "$LOG_FILE" >&2 || true
    exit 1
  fi
  sleep 0.5
done
log "daemon ready: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"

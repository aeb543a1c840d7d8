#!/usr/bin/env bash
# Builds stand-ins for deploy/Dockerfile's two bases out of Debian's own packages, for a machine
# that reaches Debian's mirror, PyPI and npm but no container registry (the project's CI
# machine). Python 3.11 and Node come from bookworm; the host's CA bundle is copied in so pip
# and npm trust the same proxies the host does. For checking the Dockerfile, not for shipping:
# a release builds on the pinned bases.
set -euo pipefail
ROOTFS=${ROOTFS:-/var/tmp/onramp-bookworm-rootfs}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CA=${CA:-/etc/ssl/certs/ca-certificates.crt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! podman image exists localhost/onramp-debian:bookworm; then
  command -v debootstrap >/dev/null || apt-get install -y -q --no-install-recommends debootstrap </dev/null
  [ -x "$ROOTFS/bin/sh" ] || debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR"
  tar -C "$ROOTFS" -c . | podman import - localhost/onramp-debian:bookworm
fi
cp "$CA" "$work/ca-certificates.crt"
cat > "$work/Containerfile.python" <<'INNER'
FROM localhost/onramp-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 ca-certificates && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
INNER
cat > "$work/Containerfile.node" <<'INNER'
FROM localhost/onramp-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm ca-certificates && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
INNER
podman build --isolation=chroot --network=host -q -f "$work/Containerfile.python" -t localhost/onramp-python:3.11 "$work"
podman build --isolation=chroot --network=host -q -f "$work/Containerfile.node" -t localhost/onramp-node:bookworm "$work"

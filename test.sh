#!/usr/bin/env bash
# Runs Gust's whole test suite. On a fresh Debian machine this is all the
# set-up there is: it installs what the tests need, then runs them.
# Run it as root: the sandbox tests create namespaces and cgroups.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v zip >/dev/null || missing+=(zip)
# Two AWS CLIs: v1 (first on PATH, e.g. the image's pyenv one) and Debian's
# v2 at /usr/bin/aws; Debian's package provides v2 (and v1 where none is).
[ -x /usr/bin/aws ] || missing+=(awscli)
# The full-outbound test builds its fake internet with ip (netns, veth).
command -v ip >/dev/null || missing+=(iproute2)
# Python and Node.js functions run on the host's /usr/bin/python3.X and
# node; boto3 must import both in the tests' python3 and in /usr/bin/python3
# (functions import Debian's python3-boto3).
[ -x /usr/bin/python3 ] || missing+=(python3)
[ -x /usr/bin/node ] || [ -x /usr/local/bin/node ] || missing+=(nodejs)
# The web console's front-end is built with npm packages and tested in
# Debian's Chromium (driven by playwright-core; no downloaded browser).
command -v npm >/dev/null || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ python3 -c 'import boto3' && /usr/bin/python3 -c 'import boto3'; } 2>/dev/null || missing+=(python3-boto3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

(cd internal/console/web && npm ci --no-audit --no-fund --loglevel=error && npx tsc --noEmit)

export CGO_ENABLED=0
go mod download
go vet ./...
# The client commands build for developers' laptops; the server is Linux-only.
GOOS=darwin go build -o /dev/null ./cmd/gust
GOOS=darwin go vet ./cmd/gust
GOOS=windows go build -o /dev/null ./cmd/gust
GOOS=windows go vet ./cmd/gust
go test -count=1 -timeout 60m "$@" ./...

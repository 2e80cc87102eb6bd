#!/usr/bin/env bash
# Runs Gust's whole test suite. On a fresh Debian machine this is all the
# set-up there is: it installs what the tests need, then runs them.
# Run it as root: the sandbox tests create namespaces and cgroups.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v zip >/dev/null || missing+=(zip)
command -v aws >/dev/null || missing+=(awscli)
python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

export CGO_ENABLED=0
go mod download
go vet ./...
go test -count=1 -timeout 60m "$@" ./...

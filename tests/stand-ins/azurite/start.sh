#!/usr/bin/env bash
# Starts Azurite (Blob service only) for the blob adapter tests. Meant to be `source`d (./test.sh
# does): installs the pinned package from package-lock.json if needed, starts it in memory on a free
# loopback port, appends its PID to the caller's `pids` array (the caller's trap stops it) and
# exports AZURITE_BLOB_ENDPOINT and AZURITE_CONNECTION_STRING. Sourced by hand:
# `source tests/stand-ins/azurite/start.sh`, and stop it with `kill "$AZURITE_PID"`.
# The account key below is Azurite's published development key; it is for tests only.
_azurite_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

if [ -n "${AZURITE_BLOB_ENDPOINT:-}" ] && curl -s --max-time 1 -o /dev/null "$AZURITE_BLOB_ENDPOINT"; then
  echo "azurite stand-in: already listening on $AZURITE_BLOB_ENDPOINT"
else
  if [ ! -x "$_azurite_dir/node_modules/.bin/azurite-blob" ]; then
    (cd "$_azurite_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
      echo "azurite stand-in: npm ci failed in $_azurite_dir" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  _azurite_port="${AZURITE_BLOB_PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
  export AZURITE_BLOB_ENDPOINT="http://127.0.0.1:${_azurite_port}/devstoreaccount1"
  export AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${_azurite_key};BlobEndpoint=${AZURITE_BLOB_ENDPOINT};"
  mkdir -p "$_azurite_dir/../../../artifacts"
  "$_azurite_dir/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$_azurite_port" \
    --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent \
    >"$_azurite_dir/../../../artifacts/azurite-stand-in.log" 2>&1 &
  AZURITE_PID=$!
  export AZURITE_PID
  if declare -p pids >/dev/null 2>&1; then
    pids+=("$AZURITE_PID")
  fi
  _azurite_ready=""
  for _ in $(seq 1 60); do
    if curl -s --max-time 1 -o /dev/null "$AZURITE_BLOB_ENDPOINT"; then
      _azurite_ready=1
      break
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      break
    fi
    sleep 0.25
  done
  if [ -z "$_azurite_ready" ]; then
    echo "azurite stand-in: not ready on $AZURITE_BLOB_ENDPOINT after 15 s; see artifacts/azurite-stand-in.log" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "azurite stand-in: ready on $AZURITE_BLOB_ENDPOINT (pid $AZURITE_PID)"
fi
unset _azurite_dir _azurite_key _azurite_port _azurite_ready

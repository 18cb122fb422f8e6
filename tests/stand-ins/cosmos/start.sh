#!/usr/bin/env bash
# Starts the local Cosmos DB server for the tests. Meant to be `source`d (./test.sh does):
# it appends the server's PID to the caller's `pids` array (the caller's trap stops it) and
# exports COSMOS_ENDPOINT. Sourced by hand: `source tests/stand-ins/cosmos/start.sh`, and
# stop it with `kill "$COSMOS_PID"`.
_cosmos_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_cosmos_port="${COSMOS_PORT:-8081}"
export COSMOS_ENDPOINT="https://127.0.0.1:${_cosmos_port}/"

if curl -sk --max-time 1 -o /dev/null "$COSMOS_ENDPOINT"; then
  echo "cosmos stand-in: already listening on $COSMOS_ENDPOINT"
else
  if [ ! -d "$_cosmos_dir/node_modules/@vercel/cosmosdb-server" ]; then
    (cd "$_cosmos_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
      echo "cosmos stand-in: npm ci failed in $_cosmos_dir" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  mkdir -p "$_cosmos_dir/../../../artifacts"
  COSMOS_PORT="$_cosmos_port" node "$_cosmos_dir/server.js" >"$_cosmos_dir/../../../artifacts/cosmos-stand-in.log" 2>&1 &
  COSMOS_PID=$!
  export COSMOS_PID
  if declare -p pids >/dev/null 2>&1; then
    pids+=("$COSMOS_PID")
  fi
  _cosmos_ready=""
  for _ in $(seq 1 60); do
    if curl -sk --max-time 1 -o /dev/null "$COSMOS_ENDPOINT"; then
      _cosmos_ready=1
      break
    fi
    if ! kill -0 "$COSMOS_PID" 2>/dev/null; then
      break
    fi
    sleep 0.25
  done
  if [ -z "$_cosmos_ready" ]; then
    echo "cosmos stand-in: not ready on $COSMOS_ENDPOINT after 15 s; see artifacts/cosmos-stand-in.log" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "cosmos stand-in: ready on $COSMOS_ENDPOINT (pid $COSMOS_PID)"
fi
unset _cosmos_dir _cosmos_port _cosmos_ready

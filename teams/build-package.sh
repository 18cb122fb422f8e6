#!/usr/bin/env bash
# Builds the Microsoft Teams app package: artifacts/teams-app.zip (manifest.json + icons),
# with the placeholders of teams/manifest/manifest.json filled from arguments or environment:
#   teams/build-package.sh --app-id GUID --bot-id GUID --api-client-id GUID --domain host [--out file]
#   (or TEAMS_APP_ID, BOT_APP_ID, API_CLIENT_ID, APP_DOMAIN in the environment)
# The filled manifest is validated offline against the official schema before zipping.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/artifacts/teams-app.zip"
while [ $# -gt 0 ]; do
  case "$1" in
    --app-id) TEAMS_APP_ID="$2"; shift 2 ;;
    --bot-id) BOT_APP_ID="$2"; shift 2 ;;
    --api-client-id) API_CLIENT_ID="$2"; shift 2 ;;
    --domain) APP_DOMAIN="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
guid='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
for name in TEAMS_APP_ID BOT_APP_ID API_CLIENT_ID; do
  value="${!name:-}"
  [[ "$value" =~ $guid ]] || { echo "$name must be a GUID (got '${value}')" >&2; exit 2; }
done
[[ "${APP_DOMAIN:-}" =~ ^[A-Za-z0-9.-]+$ ]] || { echo "APP_DOMAIN must be a host name without scheme (got '${APP_DOMAIN:-}')" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/{{TEAMS_APP_ID}}/$TEAMS_APP_ID/g" -e "s/{{BOT_APP_ID}}/$BOT_APP_ID/g" \
    -e "s/{{API_CLIENT_ID}}/$API_CLIENT_ID/g" -e "s/{{APP_DOMAIN}}/$APP_DOMAIN/g" \
    "$here/manifest/manifest.json" > "$work/manifest.json"
cp "$here/manifest/color.png" "$here/manifest/outline.png" "$work/"
if grep -q '{{' "$work/manifest.json"; then echo "unfilled placeholder in manifest.json" >&2; exit 1; fi

[ -d "$here/validate/node_modules" ] || npm ci --prefix "$here/validate" --no-audit --no-fund >/dev/null
node "$here/validate/validate.mjs" "$work/manifest.json"

mkdir -p "$(dirname "$out")"
rm -f "$out"
# The package is a flat zip: manifest.json and the icons at its root.
(cd "$work" && python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    [z.write(n) for n in ("manifest.json", "color.png", "outline.png")]' "$out")
echo "wrote $out"

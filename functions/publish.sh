#!/usr/bin/env sh
# Builds the deployable Functions package: the self-contained linux-x64 custom handler,
# host.json, and one folder per function with its function.json, in the layout the
# Functions host expects at the app root. Usage: functions/publish.sh [output-folder]
# (default artifacts/functionapp). azure.yaml's prepackage hook runs it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/artifacts/functionapp"}
rm -rf "$out"
dotnet publish "$root/functions/Agile.CustomerService.Host/Agile.CustomerService.Host.csproj" \
  -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=false -nologo -v quiet -o "$out"
cp "$root/host.json" "$out/"
for definition in "$root"/functions/*/function.json; do
  name=$(basename "$(dirname "$definition")")
  mkdir -p "$out/$name"
  cp "$definition" "$out/$name/"
done
chmod +x "$out/Agile.CustomerService.Host"
# The handler finds its function folders beside the executable; the local runner never runs in Azure.
echo "package ready: $out"

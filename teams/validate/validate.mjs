// Validates a Teams app manifest against the official schema bundled in the pinned
// @microsoft/app-manifest package: offline (the package's own validateManifest fetches the
// schema from the network; this reads the bundled copy instead). Also checks the icons.
// Usage: node validate.mjs [manifest.json]   (placeholders {{...}} are filled with samples)
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { ManifestUtil } = require("@microsoft/app-manifest");
const here = dirname(fileURLToPath(import.meta.url));
const path = resolve(process.argv[2] ?? join(here, "..", "manifest", "manifest.json"));

const samples = {
  TEAMS_APP_ID: "00000000-0000-4000-8000-0000000000a1",
  BOT_APP_ID: "00000000-0000-4000-8000-0000000000b2",
  API_CLIENT_ID: "00000000-0000-4000-8000-0000000000c3",
  APP_DOMAIN: "agile-cs.example.com",
};
const text = readFileSync(path, "utf8").replace(/\{\{([A-Z_]+)\}\}/g, (_, name) => samples[name] ?? `{{${name}}}`);
const manifest = JSON.parse(text);
const version = manifest.manifestVersion;
const schemaPath = join(dirname(require.resolve("@microsoft/app-manifest")), "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json");
if (!existsSync(schemaPath)) {
  console.error(`no bundled schema for manifestVersion ${version}`);
  process.exit(1);
}

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const errors = await ManifestUtil.validateManifestAgainstSchema(manifest, schema);

function pngSize(file) {
  const b = readFileSync(file);
  if (b.length < 24 || b.toString("latin1", 1, 4) !== "PNG") return null;
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
for (const [key, want] of [["color", 192], ["outline", 32]]) {
  const file = join(dirname(path), manifest.icons?.[key] ?? "");
  const size = existsSync(file) ? pngSize(file) : null;
  if (!size || size[0] !== want || size[1] !== want) {
    errors.push(`icons.${key} must be a ${want}x${want} PNG beside the manifest (found ${size ? size.join("x") : "none"})`);
  }
}

if (errors.length > 0) {
  console.error(`${path}: ${errors.length} problem(s) against the v${version} schema`);
  for (const e of errors) console.error("  " + e);
  process.exit(1);
}
console.log(`${path}: valid against the Teams manifest schema v${version}`);

"use strict";
// Local Cosmos DB (NoSQL API) server for the storage tests.
//
// @vercel/cosmosdb-server (pinned in package.json) keeps the data and does the
// single-item work; this front handler answers, before the library's routes,
// what the library gets wrong for the .NET SDK (see README.md):
//   - query-plan requests: a pass-through plan (one range, empty queryInfo)
//   - queries with the partition key only in the header: filtered here
//   - TransactionalBatch: HybridRow/RecordIO decode, atomic apply, HybridRow reply
//   - change feed: LSN per write, incremental reads from an LSN, x-ms-item-count
//   - 404 (not 500) for a missing item; expired items (ttl) are gone
//   - ETags quoted as the service quotes them
// It is a test stand-in: loopback only, the library's self-signed certificate.

const https = require("https");
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const zlib = require("zlib");

const libRoot = path.dirname(require.resolve("@vercel/cosmosdb-server/package.json"));
const Account = require(path.join(libRoot, "lib", "account")).default;
const Items = require(path.join(libRoot, "lib", "account", "items")).default;
const libRoute = require(path.join(libRoot, "lib", "routes")).default;

// Cosmos ETags are quoted strings ("\"0000...\""), valid HTTP entity tags; the library's are
// bare UUIDs. Quote them as the service does, for every create/replace/upsert.
for (const method of ["create", "replace"]) {
  const original = Items.prototype[method];
  Items.prototype[method] = function quoted(...args) {
    const data = original.apply(this, args);
    if (data && typeof data._etag === "string" && !data._etag.startsWith('"')) data._etag = `"${data._etag}"`;
    return data;
  };
}

const host = process.env.COSMOS_HOST || "127.0.0.1";
const port = Number(process.env.COSMOS_PORT || 8081);
const verbose = process.env.COSMOS_VERBOSE === "1";

let account;
let lsn = 0; // one log sequence number for the whole server: monotonic per container too
let writes = 0; // write order, to keep the changes of one LSN (one batch) in write order

// ---------------------------------------------------------------- helpers ---

const NOT_FOUND = {
  code: "NotFound",
  message: "Entity with the specified id does not exist in the system."
};

function header(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(req, name) {
  const value = header(req, name);
  return typeof value === "string" && value.toLowerCase() === "true";
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", c => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function pathname(req) {
  let p = new URL(req.url, "https://localhost").pathname;
  if (p.startsWith("//")) p = p.slice(1);
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return decodeURIComponent(p);
}

function matchDocs(p) {
  const m = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs(?:\/([^/]+))?$/.exec(p);
  return m ? { dbId: m[1], collId: m[2], docId: m[3] } : null;
}

/** The partition key value of the x-ms-documentdb-partitionkey header, or undefined. */
function partitionKeyOf(req) {
  const raw = header(req, "x-ms-documentdb-partitionkey");
  if (!raw || raw === "[{}]") return undefined;
  const parsed = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

function pkPath(collection) {
  const paths = ((collection.read() || {}).partitionKey || {}).paths || ["/id"];
  return paths[0].slice(1).split("/");
}

function valueAt(keys, doc) {
  return keys.reduce((v, k) => (v == null ? undefined : v[k]), doc);
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Cosmos TTL: the item's ttl wins, else the container's defaultTtl; -1 or absent means never. */
function isExpired(collection, doc) {
  const defaultTtl = (collection.read() || {}).defaultTtl;
  if (defaultTtl === undefined || defaultTtl === null) return false; // TTL off for the container
  const ttl = typeof doc.ttl === "number" ? doc.ttl : defaultTtl;
  return ttl > 0 && doc._ts + ttl <= nowSeconds();
}

function readDoc(collection, id, pk) {
  const doc = collection.document(id, pk).read();
  if (!doc || isExpired(collection, doc)) return undefined;
  return doc;
}

function stamp(doc, value) {
  if (doc && typeof doc === "object") {
    doc._lsn = value;
    writes += 1;
    Object.defineProperty(doc, "_writeOrder", { value: writes, enumerable: false, configurable: true });
  }
  return doc;
}

function allCollections() {
  const result = [];
  for (const database of account.databases._data.values()) {
    for (const collection of database.collections._data.values()) {
      if (collection.read()) result.push(collection);
    }
  }
  return result;
}

/** Deletes expired items, as Cosmos does in the background. */
function sweepExpired() {
  for (const collection of allCollections()) {
    const defaultTtl = collection.read().defaultTtl;
    if (defaultTtl === undefined || defaultTtl === null) continue;
    const keys = pkPath(collection);
    for (const item of [...collection.documents._data.values()]) {
      const doc = item.read();
      if (doc && isExpired(collection, doc)) {
        collection.documents.delete(doc.id, valueAt(keys, doc));
      }
    }
  }
}

// ------------------------------------------------ HybridRow / RecordIO -------
// Layouts from the SDK's embedded HybridRowBatchSchemas.json:
//   BatchOperation (2145473648): fixed operationType:int32, resourceType:int32;
//     variable partitionKey:utf8, effectivePartitionKey:binary, id:utf8,
//     binaryId:binary, resourceBody:binary; sparse indexingDirective, ifMatch,
//     ifNoneMatch (utf8), timeToLiveInSeconds (int32), minimalReturnPreference (bool)
//   BatchResult (2145473649): fixed statusCode:int32, subStatusCode:int32;
//     variable eTag:utf8, resourceBody:binary; sparse retryAfterMilliseconds, requestCharge
// A row is: version 0x81, schema id int32, presence bits (one per fixed and
// variable column), fixed values, variable values (varint length + bytes),
// then sparse values (layout code, path token, value). RecordIO wraps rows:
// one segment row, then per row a record row (length, crc32) and the row.

const HR_VERSION = 0x81;
const SCHEMA_SEGMENT = 2147473648;
const SCHEMA_RECORD = 2147473649;
const SCHEMA_OPERATION = 2145473648;
const SCHEMA_RESULT = 2145473649;
const OP = { Create: 0, Read: 2, Delete: 4, Replace: 5, Upsert: 20 };
const SPARSE_PATHS = { 8: "indexingDirective", 9: "ifMatch", 10: "ifNoneMatch", 11: "timeToLiveInSeconds", 12: "minimalReturnPreference" };

class Reader {
  constructor(buffer) {
    this.b = buffer;
    this.o = 0;
  }

  u8() { return this.b[this.o++]; }

  i32() { const v = this.b.readInt32LE(this.o); this.o += 4; return v; }

  u32() { const v = this.b.readUInt32LE(this.o); this.o += 4; return v; }

  varuint() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  bytes(n) { const v = this.b.subarray(this.o, this.o + n); this.o += n; return v; }

  header(expectedSchema) {
    const version = this.u8();
    const schema = this.i32();
    if (version !== HR_VERSION || schema !== expectedSchema) {
      throw new Error(`unexpected HybridRow header ${version}/${schema}, wanted schema ${expectedSchema}`);
    }
  }
}

/** Decodes the SDK's batch body into [{operationType, id, resourceBody, ifMatch, ...}]. */
function decodeBatch(buffer) {
  const r = new Reader(buffer);
  r.header(SCHEMA_SEGMENT);
  const segmentStart = 0;
  const presence = r.u8();
  const segmentLength = presence & 1 ? r.i32() : 10;
  r.o = segmentStart + segmentLength;
  const operations = [];
  while (r.o < buffer.length) {
    r.header(SCHEMA_RECORD);
    const length = r.i32();
    const crc = r.u32();
    const row = r.bytes(length);
    if (zlib.crc32(row) !== crc) throw new Error("batch record crc32 mismatch");
    operations.push(decodeOperation(row));
  }
  return operations;
}

function decodeOperation(row) {
  const r = new Reader(row);
  r.header(SCHEMA_OPERATION);
  const bits = r.u8();
  const has = i => (bits & (1 << i)) !== 0;
  const op = {};
  op.operationType = has(0) ? r.i32() : r.i32() && 0;
  op.resourceType = has(1) ? r.i32() : r.i32() && 0;
  const utf8 = () => r.bytes(r.varuint()).toString("utf8");
  const binary = () => r.bytes(r.varuint());
  if (has(2)) op.partitionKey = utf8();
  if (has(3)) op.effectivePartitionKey = binary();
  if (has(4)) op.id = utf8();
  if (has(5)) op.binaryId = binary();
  if (has(6)) op.resourceBody = JSON.parse(binary().toString("utf8"));
  while (r.o < row.length) {
    const code = r.u8();
    const token = r.varuint();
    const name = SPARSE_PATHS[token] || `sparse${token}`;
    switch (code) {
      case 20: // utf8
        op[name] = utf8();
        break;
      case 7: // int32
        op[name] = r.i32();
        break;
      case 3: // boolean true
        op[name] = true;
        break;
      case 4: // boolean false
        op[name] = false;
        break;
      default:
        throw new Error(`unsupported sparse layout code ${code} in batch operation`);
    }
  }
  return op;
}

function varuintBytes(n) {
  const out = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

function rowHeader(schema) {
  const h = Buffer.alloc(5);
  h[0] = HR_VERSION;
  h.writeInt32LE(schema, 1);
  return h;
}

function encodeResult({ statusCode, subStatusCode = 0, eTag, resourceBody }) {
  const parts = [];
  let bits = 0b11;
  if (eTag) bits |= 0b100;
  if (resourceBody) bits |= 0b1000;
  const fixed = Buffer.alloc(9);
  fixed[0] = bits;
  fixed.writeInt32LE(statusCode, 1);
  fixed.writeInt32LE(subStatusCode, 5);
  parts.push(rowHeader(SCHEMA_RESULT), fixed);
  if (eTag) {
    const e = Buffer.from(eTag, "utf8");
    parts.push(varuintBytes(e.length), e);
  }
  if (resourceBody) {
    const body = Buffer.from(JSON.stringify(resourceBody), "utf8");
    parts.push(varuintBytes(body.length), body);
  }
  return Buffer.concat(parts);
}

function encodeResults(results) {
  const segment = Buffer.concat([rowHeader(SCHEMA_SEGMENT), Buffer.from([0x01, 10, 0, 0, 0])]);
  const parts = [segment];
  for (const result of results) {
    const row = encodeResult(result);
    const record = Buffer.alloc(8);
    record.writeInt32LE(row.length, 0);
    record.writeUInt32LE(zlib.crc32(row), 4);
    parts.push(rowHeader(SCHEMA_RECORD), record, row);
  }
  return Buffer.concat(parts);
}

// ------------------------------------------------------------ batches ------

function applyOperation(collection, pk, keys, op) {
  const id = op.id || (op.resourceBody && op.resourceBody.id);
  const current = readDoc(collection, id, pk);
  const etagMismatch = op.ifMatch && (!current || current._etag !== op.ifMatch);
  if (op.resourceBody && valueAt(keys, op.resourceBody) !== pk) {
    return { statusCode: 400 };
  }
  switch (op.operationType) {
    case OP.Create:
      if (current) return { statusCode: 409 };
      if (collection.document(id, pk).read()) collection.documents.delete(id, pk); // expired leftover
      return { statusCode: 201, doc: collection.documents.create(op.resourceBody) };
    case OP.Upsert:
      if (current && etagMismatch) return { statusCode: 412 };
      if (!current && op.ifMatch) return { statusCode: 404 };
      if (!current && collection.document(id, pk).read()) collection.documents.delete(id, pk);
      return { statusCode: current ? 200 : 201, doc: collection.documents.upsert(op.resourceBody) };
    case OP.Replace:
      if (!current) return { statusCode: 404 };
      if (etagMismatch) return { statusCode: 412 };
      return { statusCode: 200, doc: collection.documents.replace(op.resourceBody, current) };
    case OP.Delete:
      if (!current) return { statusCode: 404 };
      if (etagMismatch) return { statusCode: 412 };
      collection.documents.delete(id, pk);
      return { statusCode: 204 };
    case OP.Read:
      if (!current) return { statusCode: 404 };
      return { statusCode: 200, doc: current, read: true };
    default:
      return { statusCode: 400 };
  }
}

function handleBatch(req, res, params, raw) {
  const collection = account.database(params.dbId).collection(params.collId);
  if (!collection.read()) return sendJson(res, 404, NOT_FOUND);
  const pk = partitionKeyOf(req);
  const keys = pkPath(collection);
  let operations;
  try {
    operations = decodeBatch(raw);
  } catch (err) {
    return sendJson(res, 400, { code: "BadRequest", message: `batch: ${err.message}` });
  }
  if (operations.length > 100) {
    return sendJson(res, 400, { code: "BadRequest", message: "Batch request has more operations than what is supported." });
  }

  // Snapshot what the batch touches so a failure restores it exactly.
  const before = new Map();
  for (const op of operations) {
    const id = op.id || (op.resourceBody && op.resourceBody.id);
    if (!before.has(id)) before.set(id, collection.document(id, pk).read());
  }
  const batchLsn = lsn + 1;
  const results = [];
  let failedAt = -1;
  for (let i = 0; i < operations.length; i += 1) {
    let result;
    try {
      result = applyOperation(collection, pk, keys, operations[i]);
    } catch (err) {
      result = { statusCode: err.conflict ? 409 : err.badRequest ? 400 : 500 };
    }
    if (result.statusCode >= 400) {
      failedAt = i;
      results.push({ statusCode: result.statusCode });
      break;
    }
    if (result.doc && !result.read) stamp(result.doc, batchLsn);
    results.push({ statusCode: result.statusCode, eTag: result.doc && result.doc._etag, resourceBody: result.doc });
  }

  if (failedAt >= 0) {
    for (const [id, previous] of before) {
      if (collection.document(id, pk).read()) collection.documents.delete(id, pk);
      if (previous) collection.documents._set(previous);
    }
    const failed = operations.map((_, i) => (i === failedAt ? { statusCode: results[failedAt].statusCode } : { statusCode: 424 }));
    return sendBinary(res, 207, encodeResults(failed), operations.length);
  }
  if (operations.some(op => op.operationType !== OP.Read)) lsn = batchLsn;
  return sendBinary(res, 200, encodeResults(results), operations.length);
}

// -------------------------------------------------------- change feed ------

function handleChangeFeed(req, res, params) {
  const collection = account.database(params.dbId).collection(params.collId);
  if (!collection.read()) return sendJson(res, 404, NOT_FOUND);
  const ifNoneMatch = header(req, "if-none-match");
  const max = Number(header(req, "x-ms-max-item-count") || -1);
  let from = 0;
  if (ifNoneMatch === "*") {
    from = lsn;
  } else if (ifNoneMatch) {
    from = Number(String(ifNoneMatch).replace(/"/g, "")) || 0;
  }
  const pk = partitionKeyOf(req);
  const keys = pkPath(collection);
  const changed = [...collection.documents._data.values()]
    .map(item => item.read())
    .filter(doc => doc && (doc._lsn || 0) > from && !isExpired(collection, doc))
    .filter(doc => pk === undefined || valueAt(keys, doc) === pk)
    .sort((a, b) => a._lsn - b._lsn || (a._writeOrder || 0) - (b._writeOrder || 0));
  // A page ends on a whole LSN: the changes of one transactional batch are never split.
  const page = [];
  for (const doc of changed) {
    if (max > 0 && page.length >= max && doc._lsn !== page[page.length - 1]._lsn) break;
    page.push(doc);
  }
  const continuation = page.length ? page[page.length - 1]._lsn : Math.max(from, ifNoneMatch === "*" ? lsn : from);
  res.setHeader("etag", `"${continuation}"`);
  res.setHeader("x-ms-item-count", String(page.length));
  res.setHeader("lsn", String(lsn));
  if (page.length === 0) {
    res.statusCode = 304;
    return finish(res, "");
  }
  return sendJson(res, 200, { _rid: collection.read()._rid, Documents: page, _count: page.length });
}

// ------------------------------------------------------------- queries -----

const QUERY_PLAN = {
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    dCountInfo: null,
    hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
};

function handleQuery(req, res, params, raw) {
  const collection = account.database(params.dbId).collection(params.collId);
  if (!collection.read()) return sendJson(res, 404, NOT_FOUND);
  const body = JSON.parse(raw.toString("utf8"));
  const maxItemCount = Number(header(req, "x-ms-max-item-count") || 0) || null;
  const continuationHeader = header(req, "x-ms-continuation");
  const continuation = continuationHeader ? JSON.parse(continuationHeader) : null;
  const pk = partitionKeyOf(req);
  const keys = pkPath(collection);
  // Scope to the header's partition (and drop expired items) before the query runs, so TOP,
  // ORDER BY and aggregates see one logical partition, as on the service.
  const items = collection.documents;
  const data = [...items._data.values()]
    .map(item => item.read())
    .filter(doc => doc && !isExpired(collection, doc) && (pk === undefined || valueAt(keys, doc) === pk));
  let result;
  try {
    result = items._getQuery(body.query).exec(data, {
      parameters: body.parameters,
      udf: items._userDefinedFunctions(),
      maxItemCount,
      continuation,
      compositeIndexes: (collection.read().indexingPolicy || {}).compositeIndexes || []
    });
  } catch (err) {
    return sendJson(res, 400, { code: "BadRequest", message: err.message });
  }
  const documents = result.result;
  if (result.continuation) res.setHeader("x-ms-continuation", JSON.stringify(result.continuation));
  res.setHeader("x-ms-item-count", String(documents.length));
  return sendJson(res, 200, { _rid: collection.read()._rid, Documents: documents, _count: documents.length });
}

// ------------------------------------------------------------- routing -----

function commonHeaders(res) {
  res.setHeader("x-ms-activity-id", crypto.randomUUID());
  if (!res.hasHeader("x-ms-request-charge")) res.setHeader("x-ms-request-charge", "1");
  res.setHeader("connection", "keep-alive");
}

function finish(res, text) {
  commonHeaders(res);
  res.end(text);
}

function sendJson(res, status, body) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  if (body && body._etag) res.setHeader("etag", body._etag);
  finish(res, JSON.stringify(body));
}

function sendBinary(res, status, buffer, operationCount) {
  res.statusCode = status;
  res.setHeader("content-type", "application/octet-stream");
  res.setHeader("x-ms-request-charge", String(operationCount));
  finish(res, buffer);
}

/** Front handler: returns true when it answered the request itself. */
function front(req, res, raw) {
  const p = pathname(req);
  const docs = matchDocs(p);
  if (!docs) return false;
  const collection = account.database(docs.dbId).collection(docs.collId);

  if (req.method === "POST" && !docs.docId) {
    if (isTrue(req, "x-ms-cosmos-is-query-plan-request")) {
      sendJson(res, 200, QUERY_PLAN);
      return true;
    }
    if (isTrue(req, "x-ms-cosmos-is-batch-request")) {
      handleBatch(req, res, docs, raw);
      return true;
    }
    if (isTrue(req, "x-ms-documentdb-isquery") || header(req, "content-type") === "application/query+json") {
      handleQuery(req, res, docs, raw);
      return true;
    }
    return false;
  }
  if (req.method === "GET" && !docs.docId && header(req, "a-im")) {
    handleChangeFeed(req, res, docs);
    return true;
  }
  if (docs.docId && ["GET", "PUT", "DELETE", "PATCH"].includes(req.method)) {
    if (!collection.read()) {
      sendJson(res, 404, NOT_FOUND);
      return true;
    }
    let pk;
    try {
      pk = partitionKeyOf(req);
    } catch (err) {
      sendJson(res, 400, { code: "BadRequest", message: err.message });
      return true;
    }
    const doc = collection.document(docs.docId, pk === undefined ? docs.docId : pk).read();
    if (!doc || isExpired(collection, doc) || (pk !== undefined && valueAt(pkPath(collection), doc) !== pk)) {
      sendJson(res, 404, NOT_FOUND);
      return true;
    }
  }
  return false;
}

/** The library's own handlers, replayed with the body already read. */
async function fallback(req, res, raw) {
  const r = libRoute(req);
  let body;
  if (!r) {
    res.statusCode = 400;
    body = { message: "no route" };
  } else {
    const [params, handler] = r;
    const { Readable } = require("stream");
    const replay = Object.assign(Readable.from(raw.length ? [raw] : []), { headers: req.headers, method: req.method, url: req.url });
    try {
      body = await handler(account, replay, res, params);
    } catch (err) {
      console.error(err);
      res.statusCode = 500;
      body = { message: err.message };
    }
  }
  if (res.statusCode > 399 && body && !body.message) body.message = "";
  const isWrite = ["POST", "PUT", "PATCH"].includes(req.method) && matchDocs(pathname(req));
  if (isWrite && body && body._rid && (res.statusCode === 200 || res.statusCode === 201)) {
    lsn += 1;
    stamp(body, lsn);
  }
  if (header(req, "a-im") && res.statusCode === 200) {
    // partition key ranges never change here: the feed's version is "1"
    if (header(req, "if-none-match")) res.statusCode = 304;
    res.setHeader("etag", "1");
  }
  res.setHeader("content-location", `https://${req.headers.host}${req.url}`);
  sendJson(res, res.statusCode, body);
}

function handle(req, res) {
  readBody(req)
    .then(async raw => {
      if (verbose) console.log(req.method, req.url);
      if (!front(req, res, raw)) await fallback(req, res, raw);
    })
    .catch(err => {
      console.error(err);
      if (!res.writableEnded) sendJson(res, 500, { message: String(err && err.message) });
    });
}

const server = https.createServer(
  {
    cert: fs.readFileSync(path.join(libRoot, "cert.pem")),
    key: fs.readFileSync(path.join(libRoot, "key.pem")),
    keepAlive: true,
    keepAliveTimeout: 60000
  },
  handle
);
server.keepAliveTimeout = 60000;
server.listen(port, host, () => {
  account = new Account(host, port);
  setInterval(sweepExpired, 1000).unref();
  console.log(`cosmos stand-in ready on https://${host}:${port}/`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref());
}

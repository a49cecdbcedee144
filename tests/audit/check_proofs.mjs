// An independent check of Stradia's audit proofs, with Node's own SHA-256 and Ed25519
// (node:crypto), sharing no code with Stradia: from an export it recomputes every leaf
// (the canonical encoding of eventstore/audit/canonical_event.hpp) and the tree, checks the
// signed head, then each inclusion proof (RFC 9162 §2.1.3.2) and consistency proof
// (§2.1.4.2) the server gave. Exit 0 when all hold, 1 (naming what) when one does not.
//   node check_proofs.mjs CASE.json   {"public_key","export","inclusions":[…],"consistencies":[…]}
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (bytes) => sha256(Buffer.from([0]), bytes);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n))); return b; };
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const str = (buf) => Buffer.concat([u32(buf.length), buf]);

function canonical(e) {
  return Buffer.concat([
    Buffer.from([1]), u64(e.position), str(Buffer.from(e.event_id)), str(Buffer.from(e.tenant_id)),
    str(Buffer.from(e.stream_id)), u64(e.stream_version), str(Buffer.from(e.event_type)), u32(e.schema_version),
    str(Buffer.from(e.payload, 'base64')), str(Buffer.from(e.metadata)), u64(e.recorded_at_us),
  ]);
}

function mth(leaves, lo, hi) {
  if (hi - lo === 1) return leaves[lo];
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

function verifyInclusion(index, size, leaf, path, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if ((fn & 1) || fn === sn) {
      r = nodeHash(p, r);
      if (!(fn & 1)) while (fn !== 0 && !(fn & 1)) { fn >>= 1; sn >>= 1; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof;
  let fn = first - 1, sn = second - 1;
  while (fn & 1) { fn >>= 1; sn >>= 1; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if ((fn & 1) || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (!(fn & 1)) while (fn !== 0 && !(fn & 1)) { fn >>= 1; sn >>= 1; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const lines = readFileSync(input.export, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const head = lines.at(-1).head;
const leaves = [], positions = new Map();
for (const line of lines.slice(1, -1)) {
  positions.set(line.position, leaves.length);
  leaves.push(leafHash(canonical(line.event)));
}
const hex = (h) => Buffer.from(h, 'hex');
let failures = 0;
const fail = (what) => { console.log(`FAIL ${what}`); failures++; };

const root = mth(leaves, 0, leaves.length);
if (head.tree_size !== leaves.length || !root.equals(hex(head.root_hash))) fail('the export does not add up to the head');
const message = Buffer.concat([Buffer.from('stradia-tree-head-v1\0'), Buffer.from(head.tenant_id), u64(head.tree_size),
                               hex(head.root_hash), u64(head.signed_at_ms)]);
const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'),
                                                  Buffer.from(input.public_key, 'base64')]), format: 'der', type: 'spki' });
if (!verify(null, message, key, Buffer.from(head.signature, 'base64'))) fail('the head signature');

for (const p of input.inclusions) {
  const index = positions.get(p.position);
  if (index !== p.leaf_index) { fail(`leaf index of position ${p.position}`); continue; }
  if (!verifyInclusion(index, p.tree_size, leaves[index], p.audit_path.map(hex), mth(leaves, 0, p.tree_size)))
    fail(`inclusion of position ${p.position} in ${p.tree_size}`);
}
for (const c of input.consistencies)
  if (!verifyConsistency(c.from, c.to, mth(leaves, 0, c.from), mth(leaves, 0, c.to), c.proof.map(hex)))
    fail(`consistency ${c.from} -> ${c.to}`);
console.log(`checked ${input.inclusions.length} inclusion and ${input.consistencies.length} consistency proofs over ${leaves.length} events: ${failures ? 'FAILED' : 'ok'}`);
process.exit(failures ? 1 : 0);

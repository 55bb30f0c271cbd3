// Compares two heap snapshots of `npm run bench:soak` (SOAK_SNAPSHOTS=dir): what grew between the
// start and the end of the steady phase, by constructor (objects), by kind (arrays, closures, code)
// and, for strings, by shape (digits as #), so what is kept per sender shows up by name.
//   node --max-old-space-size=4096 --import tsx bench/soak/heapdiff.ts dir/start.heapsnapshot dir/end.heapsnapshot
import { readFileSync } from 'node:fs';

type Totals = Map<string, { count: number; bytes: number }>;

/** Self sizes summed per group of one snapshot. */
function totals(file: string): Totals {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields: string[] = snap.snapshot.meta.node_fields;
  const types: string[] = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const nodes: number[] = snap.nodes;
  const strings: string[] = snap.strings;
  const out: Totals = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const name = strings[nodes[i + iName]];
    const key = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? `string ${shape(name)}` : `${type} ${name}`;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += nodes[i + iSize];
    out.set(key, t);
  }
  return out;
}

/** A string's shape: digits as #, cut at 24 characters. */
function shape(s: string): string {
  return JSON.stringify(s.slice(0, 24).replace(/[0-9]/g, '#'));
}

const [a, b] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: heapdiff <start.heapsnapshot> <end.heapsnapshot>');
const before = totals(a);
const after = totals(b);
const rows = [...new Set([...before.keys(), ...after.keys()])].map((k) => {
  const x = before.get(k) ?? { count: 0, bytes: 0 };
  const y = after.get(k) ?? { count: 0, bytes: 0 };
  return { k, dCount: y.count - x.count, dBytes: y.bytes - x.bytes, bytes: y.bytes };
});
const sum = (t: Totals) => [...t.values()].reduce((s, v) => s + v.bytes, 0);
console.log(`heap: ${(sum(before) / 2 ** 20).toFixed(1)} MB → ${(sum(after) / 2 ** 20).toFixed(1)} MB`);
for (const r of rows.sort((x, y) => y.dBytes - x.dBytes).slice(0, Number(process.env.TOP ?? 40))) {
  console.log(`${(r.dBytes / 1024).toFixed(0).padStart(9)} KB ${String(r.dCount).padStart(9)} objects  ${r.k.slice(0, 100)}`);
}

import { PARTITIONED } from '../../src/db/partitions';
import type { TracingDb } from '../growth';

/** What the statements of one call cost: shared buffers, message-table partitions read, the scans and how many were sequential. */
export interface PlanCost {
  buffers: number;
  partitions: number;
  seqScans: number;
  scans: string[];
}

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
};

const MESSAGE_TABLE = new RegExp(`^(${Object.keys(PARTITIONED).join('|')})(_|$)`);

/**
 * Runs `call` on the tracing handle, then EXPLAIN (ANALYZE, BUFFERS) each statement it ran with the
 * same parameters, in a transaction rolled back (a claim is an UPDATE), and adds up what they read.
 */
export async function explainCost(db: TracingDb, call: (db: TracingDb) => Promise<unknown>): Promise<PlanCost> {
  db.statements.length = 0;
  await call(db);
  const statements = db.statements.filter((s) => /^\s*(\/\*.*?\*\/\s*)?(SELECT|WITH|UPDATE|INSERT|\()/i.test(s.sql));
  const cost: PlanCost = { buffers: 0, partitions: 0, seqScans: 0, scans: [] };
  const read = new Set<string>();
  const client = await db.pool.connect();
  try {
    for (const s of statements) {
      await client.query('BEGIN');
      const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, [...s.parameters]);
      await client.query('ROLLBACK');
      const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
      cost.buffers += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      walk(plan, (node) => {
        const relation = node['Relation Name'];
        if (!relation || !MESSAGE_TABLE.test(relation) || (node['Actual Loops'] ?? 0) === 0) return;
        read.add(relation);
        if (node['Node Type'] === 'Seq Scan') cost.seqScans++;
        const scan = `${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name'].replace(/^\w+?_\d{6}_/, '')}` : ''}`;
        if (!cost.scans.includes(scan)) cost.scans.push(scan);
      });
    }
  } finally {
    client.release();
  }
  cost.partitions = read.size;
  return cost;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Booted } from '../boot';
import { formatPath } from '../shared/field-path';
import { mobileE164 } from '../domain/phone';
import { addStaff, disableStaff, listStaff, rotateStaffToken } from '../domain/staff';

const USAGE = `usage: npm run cli -- staff add --id <external id> --name <name> --role agent|marketing|supervisor|admin [--mobile <number>] [--locale en|zh-CN|zh-HK]
       npm run cli -- staff rotate --id <external id>    a new token; the old one stops working
       npm run cli -- staff disable --id <external id>   no token, no staff phone (staff add enables again)
       npm run cli -- staff list`;

/** Writes the usage (after `problem`) and returns the exit code of bad arguments. */
function usage(problem?: string): number {
  process.stderr.write(`${problem ? `${problem}\n` : ''}${USAGE}\n`);
  return 2;
}

/** `staff add|rotate|disable|list`: staff accounts and their API tokens (shown once, stored hashed). */
export async function staffCommand(args: string[], boot: () => Promise<Booted>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(rest, boot);
  if (sub === 'rotate' || sub === 'disable') return byId(sub, rest, boot);
  if (sub === 'list' && rest.length === 0) return list(boot);
  return usage();
}

async function add(rest: string[], boot: () => Promise<Booted>): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: rest,
      options: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, mobile: { type: 'string' }, locale: { type: 'string' } },
    }).values;
  } catch (err) {
    return usage((err as Error).message);
  }
  const parsed = z
    .strictObject({
      id: z.string().trim().min(1, 'required').max(64),
      name: z.string().trim().min(1, 'required').max(200),
      role: z.enum(['agent', 'marketing', 'supervisor', 'admin']),
      mobile: z.string().optional(),
      locale: z.enum(['en', 'zh-CN', 'zh-HK']).default('zh-CN'),
    })
    .safeParse(values);
  if (!parsed.success) return usage(parsed.error.issues.map((i) => `--${formatPath(i.path)}: ${i.message}`).join('\n'));
  const booted = await boot();
  try {
    let mobile: string | null = null;
    if (parsed.data.mobile) {
      const m = mobileE164(parsed.data.mobile, booted.config.defaultRegion);
      if ('problem' in m) {
        process.stderr.write(`--mobile: ${m.problem}\n`);
        return 2;
      }
      mobile = m.e164;
    }
    const { staff, token } = await addStaff(booted.db, {
      externalId: parsed.data.id,
      name: parsed.data.name,
      role: parsed.data.role,
      mobile,
      locale: parsed.data.locale,
    });
    process.stdout.write(`staff ${staff.external_id} (${staff.role}${mobile ? `, ${mobile}` : ''}) saved\n${tokenLine(token, booted)}`);
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      process.stderr.write('--mobile: already registered to another staff member\n');
      return 1;
    }
    throw err;
  } finally {
    await booted.close();
  }
}

/** `rotate --id X` and `disable --id X`. */
async function byId(sub: 'rotate' | 'disable', rest: string[], boot: () => Promise<Booted>): Promise<number> {
  let id: string | undefined;
  try {
    id = parseArgs({ args: rest, options: { id: { type: 'string' } } }).values.id?.trim();
  } catch (err) {
    return usage((err as Error).message);
  }
  if (!id) return usage('--id: required');
  const booted = await boot();
  try {
    if (sub === 'rotate') {
      const rotated = await rotateStaffToken(booted.db, id);
      if (!rotated) {
        process.stderr.write(`--id: no active staff member ${id}\n`);
        return 1;
      }
      process.stdout.write(`staff ${id}: new token issued; the old one no longer works\n${tokenLine(rotated.token, booted)}`);
      return 0;
    }
    if (!(await disableStaff(booted.db, id))) {
      process.stderr.write(`--id: no staff member ${id}\n`);
      return 1;
    }
    process.stdout.write(`staff ${id} disabled: token removed, phone no longer a staff phone\n`);
    return 0;
  } finally {
    await booted.close();
  }
}

/** One line per staff member: role, state, token expiry and last use. */
async function list(boot: () => Promise<Booted>): Promise<number> {
  const booted = await boot();
  try {
    const days = booted.config.staffTokenDays;
    for (const s of await listStaff(booted.db)) {
      const expires = s.token_hash && s.token_issued_at ? new Date(s.token_issued_at.getTime() + days * 86_400_000).toISOString() : '-';
      const state = !s.active ? 'disabled' : s.token_hash ? `token expires ${expires}` : 'no token';
      process.stdout.write(`${s.external_id.padEnd(12)} ${s.role.padEnd(10)} ${state.padEnd(40)} last used ${s.last_used_at?.toISOString() ?? 'never'}\n`);
    }
    return 0;
  } finally {
    await booted.close();
  }
}

function tokenLine(token: string, booted: Booted): string {
  return `token (shown once, store it now; valid ${booted.config.staffTokenDays} days): ${token}\n`;
}

import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Booted } from '../boot';
import { formatPath } from '../shared/field-path';
import { mobileE164 } from '../domain/phone';
import { addStaff } from '../domain/staff';

const USAGE =
  'usage: npm run cli -- staff add --id <external id> --name <name> --role agent|marketing|supervisor|admin [--mobile <number>] [--locale en|zh-CN|zh-HK]';

/** `staff add …`: creates (or re-keys) a staff account and prints its API token once. */
export async function staffCommand(args: string[], boot: () => Promise<Booted>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let values;
  try {
    values = parseArgs({
      args: rest,
      options: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, mobile: { type: 'string' }, locale: { type: 'string' } },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
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
  if (!parsed.success) {
    for (const i of parsed.error.issues) process.stderr.write(`--${formatPath(i.path)}: ${i.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
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
    process.stdout.write(`staff ${staff.external_id} (${staff.role}${mobile ? `, ${mobile}` : ''}) saved\ntoken (shown once, store it now): ${token}\n`);
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

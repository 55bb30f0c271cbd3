import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT, projectPath } from '../../src/shared/paths';

const pages = [
  'README.md',
  ...readdirSync(projectPath('docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown link targets of a page (`[text](target)`), anchors cut off. */
function links(page: string): string[] {
  const text = readFileSync(projectPath(page), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1].split('#')[0]).filter(Boolean);
}

describe('documentation', () => {
  it.each(pages)('%s links only to files inside the repository', (page) => {
    const outside = links(page).filter((target) => {
      const resolved = path.resolve(path.dirname(projectPath(page)), target);
      return /^[a-z]+:/i.test(target) || !resolved.startsWith(PROJECT_ROOT + path.sep) || !existsSync(resolved);
    });
    expect(outside).toEqual([]);
  });

  it('README stays a five-minute read (12 KB at most) and shows the two commands', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
    expect(readme).toContain('npm install');
    expect(readme).toContain('npm start');
  });

  it('names in the architecture walk exist as files', () => {
    const walk = readFileSync(projectPath('docs/architecture.md'), 'utf8');
    const named = [...walk.matchAll(/`((?:src\/)?(?:core|transport|domain|db|http|scheduler|shared|config|cli)\/[\w./-]+\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((f) => !existsSync(projectPath(f.startsWith('src/') ? f : `src/${f}`)))).toEqual([]);
  });
});

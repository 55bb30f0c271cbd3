import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's top folder (the one holding package.json), found from this module's place so it
 * holds whether the code runs from `src/` (tsx) or from a build under `dist/`.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above the running code');
    dir = up;
  }
  return dir;
}

/** The checkout's top folder. */
export const PROJECT_ROOT = findRoot();

/** A path under the checkout's top folder (`templates`, `demo/demo.json`). */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}

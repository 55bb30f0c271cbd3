import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectPath } from '../../src/shared/paths';

/** Debian's Chromium (the brief's and CI's; `.ci/run` installs it with apt-get when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the console tests save their screenshots (gitignored). */
export const SCREENSHOTS = projectPath('test-output', 'screenshots');

/**
 * Whether browser tests can run here. Without Chromium they are skipped with a message, unless
 * `REQUIRE_BROWSER` is set (CI sets it after trying to install Chromium): then they fail.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.REQUIRE_BROWSER) throw new Error(`browser tests: ${CHROMIUM} is missing and REQUIRE_BROWSER is set (apt-get install chromium)`);
  process.stderr.write(`browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)\n`);
  return false;
}

/** Headless Chromium as the brief asks. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Saves the page at 1280 px and at 390 px wide (full height) as `<name>-1280.png` and `<name>-390.png`; returns the paths. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const files: string[] = [];
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(200); // the chart redraws after a resize (debounced 150 ms)
    const file = path.join(SCREENSHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return files;
}

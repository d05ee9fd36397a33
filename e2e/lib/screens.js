// Screenshots for people: e2e/screenshots/<test>-<step>.png (gitignored). Numbered in the
// order they were taken, so a directory listing reads as the journey.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

function slug(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'step';
}

/** Save a full-page screenshot as e2e/screenshots/<test>-<step>.png and return its path. */
export async function screenshot(page, test, step) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${slug(test)}-${slug(step)}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A numbered screenshot series for one test: `const shot = screens('journey');
 * await shot(page, 'sign-in')` writes journey-01-sign-in.png, then journey-02-…
 */
export function screens(test) {
  let n = 0;
  return (page, step) => {
    n += 1;
    return screenshot(page, test, `${String(n).padStart(2, '0')}-${step}`);
  };
}

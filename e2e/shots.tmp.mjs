import { launchBrowser, newPage } from './lib/browser.js';
import { signIn } from './lib/steps.js';
import { runAxe } from './lib/axe.js';
const SAM = { username: 'sam.worker', password: 'hearth-demo-2026', totp: process.env.SAM_TOTP };
const TARA = { username: 'tara.manager', password: 'hearth-demo-2026' };
const browser = await launchBrowser();
async function shoot(user, paths, width, tag) {
  const { context, page } = await newPage(browser, { viewport: { width, height: 900 } });
  await signIn(page, user);
  for (const [name, path] of paths) {
    await page.goto(path);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    const v = (await runAxe(page)).violations;
    console.log(tag, name, page.url(), 'scrollWidth', sw, 'axe', v.length, v.map(x => x.id).join(','));
    await page.screenshot({ path: `/tmp/shots/${tag}-${name}.png`, fullPage: true });
  }
  await context.close();
}
const child = process.env.CHILD;
await shoot(SAM, [['work', '/work'], ['search', '/search?q=reid'], ['record', `/people/${child}`]], 1024, 'sam');
await shoot(TARA, [['team', '/work/team']], 1024, 'tara');
await new Promise(r => setTimeout(r, 31000));
await shoot(SAM, [['work', '/work'], ['search', '/search?q=reid'], ['record', `/people/${child}`]], 320, 'sam320');
await shoot(TARA, [['team', '/work/team']], 320, 'tara320');
await browser.close();

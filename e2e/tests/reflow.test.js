// Every kind of page each role opens, at 320 CSS px (WCAG 1.4.10 reflow: no horizontal
// scrolling) and with axe: a worker's record, notes, front-door and assessment pages; a
// manager's trays, allocation, caseloads, rota and dashboard; the returns team's census
// pages; the administrator's user pages; and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { signIn } from '../lib/steps.js';
import { screens } from '../lib/screens.js';
import { demoUser, exampleChild } from '../lib/demo.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Opens each path at 320 px wide, checking it reflows and passes axe. */
async function walk(user, paths, tag) {
  const shot = screens(`reflow-${tag}`);
  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 800 } });
  try {
    await signIn(page, user);
    for (const [name, open] of paths) {
      await open(page);
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${name} (${page.url()}) scrolls sideways at 320 px: ${scroll} > ${client}`);
      await expectNoSeriousViolations(page, `${name} at 320 px`);
      await shot(page, name);
    }
  } finally {
    await context.close();
  }
}

/** Follows the first link whose address starts with `prefix`. */
function firstLink(from, prefix) {
  return async (page) => {
    await page.goto(from);
    const href = await page.locator(`a[href^="${prefix}"]`).first().getAttribute('href');
    assert.ok(href, `no link to ${prefix}… on ${from}`);
    await page.goto(href);
  };
}

const go = (path) => async (page) => {
  const res = await page.goto(path);
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
};

test('a manager\'s pages reflow at 320 px', { timeout: 240_000 }, async () => {
  const tara = await demoUser('tara.manager');
  const child = await exampleChild();
  const record = `/people/${child.id}`;
  await walk(tara, [
    ['home', go('/')],
    ['record', go(record)],
    ['notes', go(`${record}/notes`)],
    ['new-note', go(`${record}/notes/new`)],
    ['chronology', go(`${record}/chronology`)],
    ['history', go(`${record}/history`)],
    ['relationship', firstLink(record, `${record}/relationships/`)],
    ['add-relative', go(`${record}/family/new?find=${encodeURIComponent(child.lastWord)}`)],
    ['allocation', go(`${record}/allocation`)],
    ['search', go(`/search?q=${encodeURIComponent(child.lastWord)}`)],
    ['my-work', go('/work')],
    ['team-work', go('/work/team')],
    ['caseloads', go('/caseloads')],
    ['worker-cases', firstLink('/caseloads', '/caseloads/')],
    ['child-protection', go('/child-protection')],
    ['rota', go('/rota')],
    ['timescales', go('/timescales')],
  ], 'manager');
});

test('the audit log reflows at 320 px', { timeout: 120_000 }, async () => {
  const ava = await demoUser('ava.auditor');
  await walk(ava, [
    ['audit', go('/audit?action=0')],
    ['audit-trail', firstLink('/audit?action=0', '/audit/people/')],
  ], 'auditor');
});

/** From `from`, follows the first link matching each selector in turn. */
function follow(from, ...selectors) {
  return async (page) => {
    await page.goto(from);
    for (const selector of selectors) {
      const href = await page.locator(selector).first().getAttribute('href');
      assert.ok(href, `no link ${selector} on ${page.url()}`);
      await page.goto(href);
    }
  };
}

test("a social worker's pages reflow at 320 px", { timeout: 240_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const child = await exampleChild();
  const record = `/people/${child.id}`;
  await walk(sam, [
    ['home', go('/')],
    ['my-work', go('/work')],
    ['record', go(record)],
    ['new-note', go(`${record}/notes/new`)],
    ['new-contact', go(`${record}/contacts/new`)],
    ['edit-record', go(`${record}/edit`)],
    ['referral', follow('/work', 'a[href^="/referrals/"]')],
    ['assessment', follow('/work', 'a[href^="/referrals/"]', 'a[href^="/assessments/"]')],
  ], 'worker');
});

test('the front door and sign-off pages reflow at 320 px', { timeout: 240_000 }, async () => {
  const tara = await demoUser('tara.manager');
  await walk(tara, [
    ['contact', follow('/work/team', 'a[href^="/assessments/"]', 'a[href^="/referrals/"]', 'a[href^="/contacts/"]')],
    ['sign-off', follow('/work/team', 'a[href^="/assessments/"]')],
    ['episode', follow('/child-protection', 'a[href^="/episodes/"]')],
    ['episode-form', follow('/child-protection', 'a[href^="/episodes/"]', 'a[href*="/oversight"]')],
  ], 'front-door');
});

test("the returns team's census pages reflow at 320 px", { timeout: 240_000 }, async () => {
  const bea = await demoUser('bea.support');
  await walk(bea, [
    ['census', go('/returns/cin')],
    ['census-download-warning', go('/returns/cin/download')],
    ['census-explain', follow('/returns/cin', 'a[href^="/returns/cin/explain/"]')],
  ], 'returns');
});

test("the administrator's pages reflow at 320 px", { timeout: 240_000 }, async () => {
  const admin = await demoUser('admin');
  await walk(admin, [
    ['users', go('/admin/users')],
    ['new-user', go('/admin/users/new')],
    ['user', follow('/admin/users', 'td a[href^="/admin/users/"]')],
    ['account', go('/account')],
  ], 'admin');
});

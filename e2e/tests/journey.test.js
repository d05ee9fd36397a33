// A social worker's journey: sign in with a second factor, find a child, record a case
// note, see it in the chronology, correct it (the original stays readable), sign out.
// Every page visited is checked with axe and screenshotted (e2e/screenshots/journey-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { launchBrowser, newPage, pathOf, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens, screenshot } from '../lib/screens.js';
import { demoUser, exampleChild } from '../lib/demo.js';
import { freshTotp } from '../lib/totp.js';

const VIEW_NOTE = /^View note\b/;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/**
 * The date for "today's" note, as a clock in England shows it. The app refuses events in
 * the future, so before 09:30 (the note's time) take yesterday; the margin to noon also
 * covers a server that reads 09:30 as UTC.
 */
function noteDate(now = new Date()) {
  const parts = (d) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        hourCycle: 'h23',
      })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
  const london = parts(now);
  const day = Number(london.hour) < 12 ? parts(new Date(now.getTime() - 24 * 3600 * 1000)) : london;
  return { day: String(Number(day.day)), month: String(Number(day.month)), year: day.year };
}

/** A link or a button with this accessible name (the UI may use either). */
function linkOrButton(scope, name) {
  return scope.getByRole('link', { name, exact: true }).or(scope.getByRole('button', { name, exact: true })).first();
}

/** The innermost list item, table row or block that contains `text` and matches `has`. */
function entryContaining(page, text, has) {
  return page
    .locator('li, tr, article, section, dd, dl, .govuk-summary-card, .govuk-summary-list__row, div')
    .filter({ hasText: text })
    .filter({ has })
    .last();
}

test('a social worker records, finds and corrects a case note', { timeout: 240_000 }, async () => {
  const user = await demoUser('sam.worker');
  assert.ok(user.totp, 'sam.worker should have a TOTP secret (totp=… in the demo output)');
  const child = await exampleChild();
  const shot = screens('journey');
  const { context, page } = await newPage(browser);

  // Every page visited: a screenshot for people, then axe.
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };

  // Two texts that do not contain each other, so each can be found on its own.
  const unique = `E2E journey note ${new Date().toISOString()} ${randomBytes(4).toString('hex')}`;
  const corrected = `Corrected by the E2E journey: the visit was to the grandparents' house ${randomBytes(4).toString('hex')}`;

  try {
    // 1. Anonymous: / redirects to /sign-in.
    await page.goto('/');
    await waitForPath(page, '/sign-in');
    await visited('sign-in', 'the sign-in page');

    // 2. Username and password.
    await page.getByLabel('Username', { exact: true }).fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, '/mfa');
    await visited('mfa', 'the security code page');

    // 3. Second factor.
    await page.getByLabel('Security code', { exact: true }).fill(await freshTotp(user.totp));
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await waitForPath(page, '/');
    await visited('home', 'the home page');

    // 4. Search for the child by family name.
    await page.getByLabel('Search by name, date of birth, NHS number, UPN or reference').fill(child.family);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const byName = page.getByRole('link', { name: child.name, exact: true });
    await byName.first().waitFor();
    // Two children may share a name: prefer the link that carries the example child's id.
    const byId = byName.and(page.locator(`a[href*="${child.id}"]`));
    const childLink = (await byId.count()) > 0 ? byId.first() : byName.first();
    await visited('search-results', `search results for ${child.family}`);

    // 5. The child's record.
    await childLink.click();
    await page.locator('h1', { hasText: child.name }).first().waitFor();
    assert.match(await page.locator('h1').first().innerText(), new RegExp(child.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const childPath = pathOf(page);
    await visited('child', `the record of ${child.name}`);

    // 6. Add a case note.
    await page.getByRole('link', { name: 'Add a case note', exact: true }).click();
    await page.getByLabel('What happened', { exact: true }).waitFor();
    await visited('add-note', 'the add a case note form');

    const date = noteDate();
    const when = page.getByRole('group', { name: 'Date of the event' });
    await when.getByLabel('Day', { exact: true }).fill(date.day);
    await when.getByLabel('Month', { exact: true }).fill(date.month);
    await when.getByLabel('Year', { exact: true }).fill(date.year);
    await page.getByLabel('Time', { exact: true }).fill('09:30');
    await page.getByLabel('Type of note', { exact: true }).selectOption({ label: 'Home visit' });
    await page.getByRole('group', { name: 'Was the child seen?' }).getByLabel('Yes', { exact: true }).check();
    await page.getByLabel('Seen alone', { exact: true }).check();
    await page.getByLabel('Significant event (show in the chronology)', { exact: true }).check();
    await page.getByLabel('What happened', { exact: true }).fill(unique);
    await shot(page, 'add-note-filled');
    await page.getByRole('button', { name: 'Save case note', exact: true }).click();

    const banner = page.locator('.govuk-notification-banner', { hasText: 'Case note saved' });
    try {
      await banner.waitFor();
    } catch (err) {
      const errors = await page.locator('.govuk-error-summary').allInnerTexts();
      throw new Error(`no "Case note saved" banner after saving (at ${page.url()})${errors.length ? `; error summary: ${errors.join(' | ')}` : ''}\n${err.message}`);
    }
    await visited('note-saved', 'the page after saving a case note');

    // 7. The chronology shows the significant event.
    const chronologyLink = page.getByRole('link', { name: 'Chronology', exact: true }).first();
    if ((await chronologyLink.count()) === 0) {
      // The banner may have taken us to the note itself: go back to the child's record.
      await page.goto(childPath);
    }
    await page.getByRole('link', { name: 'Chronology', exact: true }).first().click();
    await page.getByText(unique).first().waitFor();
    await visited('chronology', 'the chronology');

    // 8. Open the note: "View note" beside the entry, else through Case notes. The link's
    // accessible name may carry visually hidden context ("View note from 3 May 2026 09:30").
    const viewNote = page.getByRole('link', { name: VIEW_NOTE });
    const entry = entryContaining(page, unique, viewNote);
    if ((await entry.count()) > 0) {
      await entry.getByRole('link', { name: VIEW_NOTE }).first().click();
    } else {
      await page.getByRole('link', { name: 'Case notes', exact: true }).first().click();
      await page.getByText(unique).first().waitFor();
      await visited('case-notes', 'the case notes list');
      const row = entryContaining(page, unique, page.getByRole('link'));
      const rowView = row.getByRole('link', { name: VIEW_NOTE });
      await ((await rowView.count()) > 0 ? rowView.first() : row.getByRole('link').first()).click();
    }
    await page.getByText(unique).first().waitFor();
    const notePath = pathOf(page);
    await visited('note', 'the case note');

    // 9. Correct it, with a reason.
    await linkOrButton(page, 'Correct this note').click();
    await page.getByLabel('Reason for the correction', { exact: true }).waitFor();
    await visited('correct-note', 'the correct a case note form');
    await page.getByLabel('What happened', { exact: true }).fill(corrected);
    await page.getByLabel('Reason for the correction', { exact: true }).fill('E2E test: the first note named the wrong house.');
    await shot(page, 'correct-note-filled');
    await page.getByRole('button', { name: 'Save correction', exact: true }).click();

    // 10. Version 2, with the original still readable under "Previous versions".
    try {
      await page.getByText('Version 2').first().waitFor();
    } catch (err) {
      const errors = await page.locator('.govuk-error-summary').allInnerTexts();
      throw new Error(`no "Version 2" after saving the correction (at ${page.url()}, note was ${notePath})${errors.length ? `; error summary: ${errors.join(' | ')}` : ''}\n${err.message}`);
    }
    await page.getByText(corrected).first().waitFor();
    // The original text comes after the "Previous versions" heading (or summary), whether
    // the versions are inside a section or details, or follow the heading as siblings.
    const previous = page.locator(
      `xpath=//*[self::h2 or self::h3 or self::h4 or self::summary or self::legend or self::caption][normalize-space(.)='Previous versions']` +
        `/following::*[contains(normalize-space(.), '${unique}')]`,
    );
    assert.ok(
      (await previous.count()) > 0,
      `the note page has no "Previous versions" heading followed by the original text "${unique}"`,
    );
    await visited('note-corrected', 'the corrected case note');

    // 11. Sign out.
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await waitForPath(page, '/sign-in');
    await visited('signed-out', 'the sign-in page after signing out');
  } catch (err) {
    await screenshot(page, 'journey', 'failure').catch(() => {});
    err.message = `${err.message}\n(page: ${page.url()}; screenshot: e2e/screenshots/journey-failure.png)`;
    throw err;
  } finally {
    await context.close();
  }
});

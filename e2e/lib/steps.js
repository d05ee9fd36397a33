// Steps the journey tests share: signing in and out, filling a GOV.UK date input, waiting
// for the success banner, and dates as a clock in England shows them.
import { freshTotp } from './totp.js';
import { waitForPath } from './browser.js';

/** The date `days` before today, as a clock in England shows it. */
export function londonDaysAgo(days) {
  const when = new Date(Date.now() - days * 86_400_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(when)
      .map((p) => [p.type, p.value]),
  );
  return { day: String(Number(parts.day)), month: String(Number(parts.month)), year: parts.year };
}

export async function fillDate(page, group, d) {
  const g = page.getByRole('group', { name: group });
  await g.getByLabel('Day', { exact: true }).fill(d.day);
  await g.getByLabel('Month', { exact: true }).fill(d.month);
  await g.getByLabel('Year', { exact: true }).fill(d.year);
}

export async function signIn(page, user) {
  await page.goto('/sign-in');
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (user.totp) {
    await waitForPath(page, '/mfa');
    await page.getByLabel('Security code', { exact: true }).fill(await freshTotp(user.totp));
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
  }
  await waitForPath(page, '/');
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await waitForPath(page, '/sign-in');
}

/** Waits for the success banner, or fails with the error summary's text. */
export async function saved(page, text) {
  try {
    await page.locator('.govuk-notification-banner', { hasText: text }).waitFor();
  } catch (err) {
    const errors = await page.locator('.govuk-error-summary').allInnerTexts();
    throw new Error(`no "${text}" banner (at ${page.url()})${errors.length ? `; error summary: ${errors.join(' | ')}` : ''}\n${err.message}`);
  }
}

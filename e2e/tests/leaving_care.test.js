// Care leavers end to end (issue 18's browser test): the worker records a 17-year-old who
// has been in care since 15 and records that care ended a month ago (moved to independent
// living); the Leaving care tab shows them as a relevant child with the reason and what they
// are entitled to, and the status is at the top of every page about them. The worker
// allocates their personal adviser, records the needs assessment and the pathway plan with
// the young person's views (a plan with no views is refused with the error summary); the
// manager signs the plan off and finds them on the care leavers' dashboard; the worker records
// contact and where they live, refers them to supported lodgings (accepted) and finds them on
// the service's page in the directory. (The review at 19 is walked through with a moving clock in the
// HTTP tests, crates/web/tests/leaving_care.rs.) Every page is checked with axe and
// screenshotted (e2e/screenshots/leaving-care-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, pathOf, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser } from '../lib/demo.js';
import { fillDate, londonDaysAgo, saved, signIn, signOut } from '../lib/steps.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('left care at 17 → relevant → adviser, assessment, pathway plan → signed off → dashboard → contact and accommodation', { timeout: 300_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const tara = await demoUser('tara.manager');
  const shot = screens('leaving-care');
  const { context, page } = await newPage(browser);
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };
  // The link in a row of the care leaver service's list.
  const rowLink = (key) => page.getByTestId('leaving-service').locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) }).getByRole('link');
  const tag = String(Date.now()).slice(-6);
  const family = `Leaver${tag}`;
  const [dob, d730, d30, d20, d10, d0] = [londonDaysAgo(17 * 365 + 100), londonDaysAgo(730), londonDaysAgo(30), londonDaysAgo(20), londonDaysAgo(10), londonDaysAgo(0)];

  try {
    await signIn(page, sam);
    await page.goto('/people/new');
    await page.locator('#kind').check();
    await page.locator('#given_name').fill('Robin');
    await page.locator('#family_name').fill(family);
    await page.locator('#date_of_birth-day').fill(dob.day);
    await page.locator('#date_of_birth-month').fill(dob.month);
    await page.locator('#date_of_birth-year').fill(dob.year);
    await page.getByRole('button', { name: /^(Save|None of these: save a new record)$/ }).click();
    await waitForPath(page, /^\/people\/[0-9a-f-]+$/);
    const childPath = pathOf(page);

    // In care since 15, with the first foster household on the list.
    await page.goto(`${childPath}/care/start`);
    await fillDate(page, 'Date the child became looked after', d730);
    await page.getByLabel('Legal status', { exact: true }).selectOption({ label: 'Single period of accommodation under section 20 of the Children Act 1989 (V2)' });
    await page.getByLabel('Category of need', { exact: true }).selectOption({ label: 'Abuse or neglect (N1)' });
    const placedWith = page.getByLabel('Placed with', { exact: true });
    const household = await placedWith.locator('option', { hasText: 'foster household' }).first().getAttribute('value');
    await placedWith.selectOption(household);
    await page.getByLabel('Type of placement', { exact: true }).selectOption({ label: 'Foster placement with other foster carer(s): not long-term nor fostering for adoption (U6)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded that the child became looked after');
    // Eligible while in care at 17: the tab is there and the banner says so.
    assert.match(await page.locator('.hearth-alerts').innerText(), /Care leaver: eligible/);

    await page.getByRole('link', { name: 'Record that care ended', exact: true }).click();
    await fillDate(page, 'Date the child stopped being looked after', d30);
    await page.getByLabel('Why care ended', { exact: true }).selectOption({ label: 'Moved to independent living with formal advice or support (E5)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded that care ended');

    await page.getByRole('navigation', { name: 'Record sections' }).getByRole('link', { name: 'Leaving care', exact: true }).click();
    await waitForPath(page, `${childPath}/leaving-care`);
    const status = await page.getByTestId('leaving-status').innerText();
    assert.match(status, /Relevant/);
    assert.match(status, /left care at 17 on/);
    assert.match(await page.getByTestId('entitlements').innerText(), /A personal adviser\s+Children Act 1989, section 23B\(2\)/);
    assert.match(await page.locator('.hearth-alerts').innerText(), /Care leaver: relevant/);
    await visited('relevant', 'a relevant child’s leaving care page');

    // The personal adviser, from the list.
    await rowLink('Personal adviser').click();
    const adviser = page.getByLabel('Personal adviser', { exact: true });
    const first = await adviser.locator('option').nth(1).innerText();
    await adviser.selectOption({ index: 1 });
    await fillDate(page, 'Allocated from', d30);
    await visited('adviser-form', 'the personal adviser form');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Personal adviser allocated');

    await rowLink('Needs assessment').click();
    await fillDate(page, 'Date the assessment was completed', d20);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Needs assessment recorded');

    await rowLink('Pathway plan').click();
    await fillDate(page, 'Date the plan was agreed', d10);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.match(await page.locator('.govuk-error-summary').innerText(), /young person's views/);
    await visited('plan-invalid', 'a pathway plan refused');
    await page.getByLabel("The young person's views", { exact: true }).fill('I want to stay near my college and learn to cook.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Pathway plan recorded');
    const service = await page.getByTestId('leaving-service').innerText();
    assert.match(service, new RegExp(`${first}, since`));
    assert.match(service, /Waiting for a manager/);
    await signOut(page);

    // The manager signs the plan off and finds Robin on the dashboard.
    await signIn(page, tara);
    await page.goto(`${childPath}/leaving-care`);
    await rowLink('Sign-off').click();
    await page.getByRole('button', { name: 'Sign off the plan', exact: true }).click();
    await saved(page, 'Pathway plan signed off');
    assert.match(await page.getByTestId('leaving-service').innerText(), /Signed off by/);
    await page.getByRole('link', { name: 'Care leavers', exact: true }).click();
    await waitForPath(page, '/care-leavers');
    assert.match(await page.getByTestId('leavers-by-age').innerText(), /Relevant/);
    assert.match(await page.getByTestId('not-in-touch').innerText(), new RegExp(`Robin ${family}`));
    await visited('dashboard', 'the care leavers dashboard');
    await signOut(page);

    // The worker records contact and where Robin lives.
    await signIn(page, sam);
    await page.goto(`${childPath}/leaving-care/contact`);
    await fillDate(page, 'Date', d0);
    await page.getByLabel('In touch', { exact: true }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Contact recorded');
    await rowLink('Living in').click();
    await fillDate(page, 'Living there since', d30);
    await page.getByLabel('Accommodation', { exact: true }).selectOption({ label: 'Supported lodgings (E)' });
    await page.getByRole('group', { name: 'Is it suitable?' }).getByLabel('Yes', { exact: true }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Accommodation recorded');
    assert.match(await page.getByTestId('leaving-service').innerText(), /Supported lodgings \(E1\), suitable/);
    await visited('recorded', 'the leaving care page with contact and accommodation');
    // Referred to supported lodgings from the Services tab; the service lists Robin.
    await page.getByRole('navigation', { name: 'Record sections' }).getByRole('link', { name: 'Services', exact: true }).click();
    await waitForPath(page, `${childPath}/services`);
    await page.getByRole('link', { name: 'Refer to a service', exact: true }).click();
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Supported lodgings scheme (supported accommodation)' });
    await fillDate(page, 'Date of the referral', d20);
    await page.getByLabel('Why', { exact: true }).fill('Needs a supported room near college.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Referral recorded');
    await page.getByTestId('referrals').getByRole('link', { name: /^Record the outcome/ }).click();
    await page.getByLabel('Accepted: using the service', { exact: true }).check();
    await fillDate(page, 'Date', d10);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded');
    await visited('services-tab', 'a young person’s services');
    await page.getByRole('link', { name: 'Services', exact: true }).first().click();
    await waitForPath(page, '/services');
    await page.getByLabel('Search', { exact: true }).fill('lodgings');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    assert.match(await page.getByTestId('service-count').innerText(), /^1 service/);
    await visited('directory', 'the directory of services');
    await page.getByRole('link', { name: 'Supported lodgings scheme', exact: true }).click();
    assert.match(await page.getByTestId('using').innerText(), new RegExp(`Robin ${family}`));
    await visited('service', 'a service and the young people using it');
    // At 320 CSS pixels the page reflows: nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 320, `the page is ${wide}px wide at 320px`);
    await shot(page, 'narrow');
  } finally {
    await context.close();
  }
});

// Children in care end to end (issue 17's browser test, as far as it is built): the manager
// adds two foster households to the providers' list; the worker records a new child, takes
// them into care under section 20 with the first household (after an empty form is refused
// with its error summary), records the interim care order and a move to the second household;
// the record's banner shows the placement and the episodes follow. The worker names the IRO,
// records a statutory visit and the first review; the report for the second is signed off by
// the manager, shared, and the second review recorded; then a missing episode (a return
// before it began is refused); the initial health assessment, the first PEP, a contact
// arrangement and a request to the Family Contact Service. The household's page lists the
// child, and the manager finds them on the children-in-care dashboard and the request in the
// Family Contact Service's queue. Every page is checked with axe and screenshotted
// (e2e/screenshots/care-*.png).
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

test('providers → into care → legal status → move → IRO, visit, report, reviews, missing → provider and dashboard', { timeout: 300_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const tara = await demoUser('tara.manager');
  const irene = await demoUser('irene.olu');
  const shot = screens('care');
  const { context, page } = await newPage(browser);
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };
  const tag = String(Date.now()).slice(-6);
  const [first, second] = [`The Ash${tag} household`, `The Birch${tag} household`];
  const [d30, d20, d10, dob] = [londonDaysAgo(30), londonDaysAgo(20), londonDaysAgo(10), londonDaysAgo(9 * 365)];

  try {
    // The manager adds two foster households; a registered home without its URN is refused.
    await signIn(page, tara);
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await waitForPath(page, '/providers');
    await visited('providers', 'the providers list');
    await page.getByRole('link', { name: 'Add a provider', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(`Elm${tag} House`);
    await page.getByLabel('Kind of setting', { exact: true }).selectOption({ label: "Children's home" });
    await page.getByLabel('Who provides it', { exact: true }).selectOption({ label: 'Private provision (PR4)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.match(await page.locator('.govuk-error-summary').innerText(), /registered with Ofsted: enter its URN/);
    await visited('provider-invalid', 'a provider refused');
    for (const name of [first, second]) {
      await page.goto('/providers/new');
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Kind of setting', { exact: true }).selectOption({ label: 'Foster household' });
      await page.getByLabel('Who provides it', { exact: true }).selectOption({ label: 'Own provision (by the local authority) (PR1)' });
      await page.getByLabel('Address', { exact: true }).fill('12 Orchard Road\nBath');
      await page.getByLabel('Postcode', { exact: true }).fill('ba1 2ab');
      await page.getByLabel('Registered or approved places (optional)', { exact: true }).fill('2');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await saved(page, 'Provider saved');
    }
    const birchPath = pathOf(page);
    await visited('provider', 'a provider');
    await signOut(page);

    // The worker records a new child and takes them into care.
    await signIn(page, sam);
    await page.goto('/people/new');
    await page.locator('#kind').check();
    await page.locator('#given_name').fill('Esme');
    await page.locator('#family_name').fill(`Care${tag}`);
    await page.locator('#date_of_birth-day').fill(dob.day);
    await page.locator('#date_of_birth-month').fill(dob.month);
    await page.locator('#date_of_birth-year').fill(dob.year);
    await page.getByRole('button', { name: /^(Save|None of these: save a new record)$/ }).click();
    await waitForPath(page, /^\/people\/[0-9a-f-]+$/);
    const childPath = pathOf(page);
    await page.getByRole('navigation', { name: 'Record sections' }).getByRole('link', { name: 'Care', exact: true }).click();
    await waitForPath(page, `${childPath}/care`);
    await assert.doesNotReject(page.getByText('Esme is not looked after.').waitFor());
    await visited('not-looked-after', 'the care tab of a child not in care');

    await page.getByRole('link', { name: 'Record that the child became looked after', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    const summary = await page.locator('.govuk-error-summary').innerText();
    for (const expected of [/date care began/i, /legal status/i, /category of need/i, /who the child is placed with/i, /type of placement/i]) {
      assert.match(summary, expected);
    }
    await visited('start-invalid', 'the into-care form refused');
    await fillDate(page, 'Date the child became looked after', d30);
    await page.getByLabel('Legal status', { exact: true }).selectOption({ label: 'Single period of accommodation under section 20 of the Children Act 1989 (V2)' });
    await page.getByLabel('Category of need', { exact: true }).selectOption({ label: 'Abuse or neglect (N1)' });
    await page.getByLabel('Postcode of the home the child was looked after from (optional)', { exact: true }).fill('BA2 3QT');
    await page.getByLabel('Placed with', { exact: true }).selectOption({ label: `${first} (foster household, BA1 2AB)` });
    await page.getByLabel('Type of placement', { exact: true }).selectOption({ label: 'Foster placement with other foster carer(s): not long-term nor fostering for adoption (U6)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded that the child became looked after');
    await visited('in-care', 'the care tab of a looked-after child');

    await page.getByRole('link', { name: 'Record a change of legal status', exact: true }).click();
    await fillDate(page, 'Date the new legal status applied from', d20);
    await page.getByLabel('New legal status', { exact: true }).selectOption({ label: 'Interim care order (C1)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Legal status changed');

    await page.getByRole('link', { name: 'Record a move', exact: true }).click();
    await visited('move-form', 'the move form');
    await fillDate(page, 'Date of the move', d10);
    await page.getByLabel('Placed with', { exact: true }).selectOption({ label: `${second} (foster household, BA1 2AB)` });
    await page.getByLabel('Type of placement', { exact: true }).selectOption({ label: 'Foster placement with other foster carer(s): not long-term nor fostering for adoption (U6)' });
    await page.getByLabel('Why the placement changed', { exact: true }).selectOption({ label: 'Change to, or carrying out of, the care plan (CARPL)' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Move recorded');
    const banner = page.getByTestId('case-summary');
    assert.match(await banner.innerText(), /Looked after \(interim care order, C1\)/);
    assert.match(await banner.innerText(), new RegExp(`${second} \\(U6\\) since`));
    await page.getByText('Episodes the SSDA903 return counts (3)').click();
    await visited('moved', 'the care tab after a move');

    // The plans, visits and reviews: the IRO named, a statutory visit from the Care tab's
    // link (the note's type already chosen), the report sent for sign-off.
    const plans = page.getByTestId('care-plans');
    assert.match(await plans.innerText(), /Next review\s+Due by/);
    await plans.getByRole('link', { name: /^Name the IRO/ }).click();
    await visited('iro-form', 'the form naming the IRO');
    await page.getByLabel('IRO', { exact: true }).selectOption({ label: 'Irene Olu' });
    await fillDate(page, 'Date the IRO was named', d30);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'IRO recorded');
    await page.getByTestId('care-plans').getByRole('link', { name: /^Record a visit/ }).click();
    assert.equal(await page.getByLabel('Type of note', { exact: true }).inputValue(), 'statutory_visit');
    const visitDay = page.getByRole('group', { name: 'Date of the event' });
    await visitDay.getByLabel('Day', { exact: true }).fill(d10.day);
    await visitDay.getByLabel('Month', { exact: true }).fill(d10.month);
    await visitDay.getByLabel('Year', { exact: true }).fill(d10.year);
    await page.getByLabel('Time', { exact: true }).fill('16:00');
    await page.getByRole('group', { name: 'Was the child seen?' }).getByLabel('Yes', { exact: true }).check();
    await page.getByLabel('Seen alone', { exact: true }).check();
    await page.getByLabel('What happened', { exact: true }).fill('Visited Esme at her new carers; saw her room and spoke with her alone.');
    await page.getByRole('button', { name: 'Save case note', exact: true }).click();
    await saved(page, 'Case note saved');
    // The first review (its report was not in Hearth), then the report for the second,
    // sent for sign-off today.
    const [d8, d4, d3, d2, d0] = [londonDaysAgo(8), londonDaysAgo(4), londonDaysAgo(3), londonDaysAgo(2), londonDaysAgo(0)];
    const review = async (day, decision) => {
      await page.getByTestId('care-plans').getByRole('link', { name: /^Record the review/ }).click();
      await fillDate(page, 'Date of the review', day);
      await page.getByLabel('How the child took part', { exact: true }).selectOption({ label: 'Child physically attends and speaks for themselves (PN1)' });
      await page.getByRole('group', { name: 'Action 1' }).getByLabel('What will be done', { exact: true }).fill(decision);
      await page.getByRole('group', { name: 'Action 1' }).getByLabel('Who owns it', { exact: true }).fill('Sam Worker');
      await visited('review-form', 'the review form');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await saved(page, 'Review recorded');
    };
    await page.goto(`${childPath}/care`);
    await review(d8, 'Contact with mother twice a week, supervised');
    await page.getByTestId('care-plans').getByRole('link', { name: /^Send for sign-off/ }).click();
    await fillDate(page, 'Date the report was finished', d0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Report sent for sign-off');
    assert.match(await page.getByTestId('care-plans').innerText(), /Waiting for a manager.s sign-off/);
    await signOut(page);

    // The manager signs the report off from the child's Care tab.
    await signIn(page, tara);
    await page.goto(`${childPath}/care`);
    await page.getByTestId('care-plans').getByRole('link', { name: /^Sign off/ }).click();
    await visited('sign-off', 'the report sign-off');
    await page.getByRole('button', { name: 'Sign off the report', exact: true }).click();
    await saved(page, 'Report signed off');
    await signOut(page);

    // The worker shares it and records the second review, then a missing episode and the
    // return (a return before the child went missing is refused first).
    await signIn(page, sam);
    await page.goto(`${childPath}/care`);
    await page.getByTestId('care-plans').getByRole('link', { name: /^Record that it was shared/ }).click();
    await fillDate(page, 'Date the report was shared', d0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded that the report was shared');
    await review(d0, 'Life-story work to begin');
    const reviews = await page.locator('table', { hasText: 'Chaired by' }).innerText();
    assert.match(reviews, /Irene Olu/);
    assert.match(reviews, /Signed off by .+ shared on/);
    assert.match(reviews, /No report recorded/);
    await page.getByTestId('care-plans').getByRole('link', { name: /^Record missing/ }).click();
    await page.getByLabel('Missing from placement', { exact: true }).check();
    await fillDate(page, 'Date the child went missing or away', d3);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded that the child is missing');
    assert.match(await page.getByTestId('care-plans').innerText(), /Missing from placement since/);
    await page.getByTestId('care-plans').getByRole('link', { name: /^Record the return/ }).click();
    await fillDate(page, 'Date the child returned', d4);
    await page.getByLabel('Offered and accepted', { exact: true }).check();
    await fillDate(page, 'Date the interview was offered', d2);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.match(await page.locator('.govuk-error-summary').innerText(), /cannot return before they went missing/);
    await visited('return-invalid', 'a return refused');
    await fillDate(page, 'Date the child returned', d2);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, "Recorded the child's return");
    await visited('plans', 'the care tab with its plans, reviews and missing episode');
    // The initial health assessment and the first PEP.
    await page.getByTestId('care-wellbeing').getByRole('link', { name: /^Record a health check/ }).click();
    await page.getByLabel('What was done', { exact: true }).selectOption({ label: 'Initial health assessment' });
    await fillDate(page, 'Date', d8);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Health check recorded');
    await page.getByTestId('care-wellbeing').getByRole('link', { name: /^Record a PEP/ }).click();
    await fillDate(page, 'Date of the PEP meeting', d4);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Personal education plan meeting recorded');
    const wellbeing = await page.getByTestId('care-wellbeing').innerText();
    assert.match(wellbeing, /Health assessment\s+Last on .+; next due by/);
    assert.match(wellbeing, /Personal education plan\s+Last on .+; next due by/);
    await visited('health-education', 'the care tab with health and education');
    // Family time: an arrangement with her mother and a request to the Family Contact Service.
    await page.getByRole('link', { name: 'Add a contact arrangement', exact: true }).click();
    await page.getByLabel('Who with', { exact: true }).fill('Jane Care, mother');
    await page.getByLabel('Face to face, supervised', { exact: true }).check();
    await page.getByLabel('How often', { exact: true }).fill('Weekly, two hours');
    await page.getByRole('group', { name: 'Ordered by a court?' }).getByLabel('Yes', { exact: true }).check();
    await fillDate(page, 'Date the arrangement began', d10);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Contact arrangement recorded');
    await page.getByRole('link', { name: 'Ask the Family Contact Service', exact: true }).click();
    await page.getByLabel('The arrangement the service is asked to support', { exact: true }).selectOption({ label: 'Jane Care, mother: face to face, supervised' });
    await page.getByRole('group', { name: 'Is the child in court proceedings, with contact needed as evidence?' }).getByLabel('Yes', { exact: true }).check();
    await page.getByRole('group', { name: 'Must contact be supervised because of an assessed risk?' }).getByLabel('Yes', { exact: true }).check();
    await visited('contact-request', 'the Family Contact Service request form');
    await page.getByRole('button', { name: 'Send the request', exact: true }).click();
    await saved(page, 'Request sent to the Family Contact Service');
    assert.match(await page.getByTestId('care-contact-requests').innerText(), /Waiting: first: the child is in court proceedings/);

    // The household's page lists Esme.
    await page.goto(birchPath);
    await assert.doesNotReject(page.getByRole('link', { name: `Esme Care${tag}` }).waitFor());
    assert.match(await page.locator('.govuk-summary-list').innerText(), /1 of 2 taken/);
    await signOut(page);

    // The manager finds her on the dashboard.
    await signIn(page, tara);
    await page.getByRole('link', { name: 'Children in care', exact: true }).click();
    await waitForPath(page, '/children-in-care');
    await assert.doesNotReject(page.getByTestId('care-figures').waitFor());
    await visited('dashboard', 'the children-in-care dashboard');
    // And her request in the Family Contact Service's queue, first for court proceedings.
    await page.getByRole('link', { name: 'Family contact', exact: true }).click();
    await waitForPath(page, '/family-contact');
    const queue = page.getByTestId('family-contact-queue');
    const row = queue.locator('tr', { hasText: `Esme Care${tag}` });
    assert.match(await row.innerText(), /First: the child is in court proceedings/);
    await visited('family-contact', 'the Family Contact Service queue');

    await signOut(page);

    // Irene, the IRO named for her, finds her among the children she reviews; she may
    // record the review but not move Esme.
    await signIn(page, irene);
    await page.getByRole('link', { name: 'Children in care', exact: true }).click();
    await waitForPath(page, '/children-in-care');
    await assert.doesNotReject(page.getByTestId('care-reviewed').getByRole('link', { name: `Esme Care${tag}` }).waitFor());
    await visited('iro-dashboard', 'the dashboard as an IRO');
    await page.getByTestId('care-reviewed').getByRole('link', { name: `Esme Care${tag}` }).click();
    await waitForPath(page, `${childPath}/care`);
    await assert.doesNotReject(page.getByTestId('care-plans').getByRole('link', { name: /^Record the review/ }).waitFor());
    assert.equal(await page.getByRole('link', { name: 'Record a move', exact: true }).count(), 0);
    await visited('iro-care', 'the care tab as an IRO');

    // At 320 px the Care tab, the dashboard and the queue reflow (WCAG 1.4.10).
    await page.setViewportSize({ width: 320, height: 800 });
    for (const [name, path] of [['care-320', `${childPath}/care`], ['dashboard-320', '/children-in-care'], ['family-contact-320', '/family-contact'], ['review-form-320', `${childPath}/care/review`], ['iro-form-320', `${childPath}/care/iro`]]) {
      await page.goto(path);
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${path} scrolls sideways at 320 px: ${scroll} > ${client}`);
      await visited(name, `${path} at 320 px`);
    }
  } finally {
    await context.close();
  }
});

// Before care (seed 001) and short breaks: the worker proposes care for a new child (an empty
// proposal is refused), the manager authorises it from the Care tab, the worker records the
// pre-care planning meeting and tells the reviewing service; then a short break is recorded
// and listed on its own. axe on every page (e2e/screenshots/care-decision-*.png).
test('a proposal authorised by a manager → planning meeting → told → short break', { timeout: 180_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const tara = await demoUser('tara.manager');
  const shot = screens('care-decision');
  const { context, page } = await newPage(browser);
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };
  const tag = String(Date.now()).slice(-6);
  const [today, d14, d12, dob] = [londonDaysAgo(0), londonDaysAgo(14), londonDaysAgo(12), londonDaysAgo(11 * 365)];
  try {
    await signIn(page, sam);
    await page.goto('/people/new');
    await page.locator('#kind').check();
    await page.locator('#given_name').fill('Flo');
    await page.locator('#family_name').fill(`Before${tag}`);
    await page.locator('#date_of_birth-day').fill(dob.day);
    await page.locator('#date_of_birth-month').fill(dob.month);
    await page.locator('#date_of_birth-year').fill(dob.year);
    await page.getByRole('button', { name: /^(Save|None of these: save a new record)$/ }).click();
    await waitForPath(page, /^\/people\/[0-9a-f-]+$/);
    const care = `${pathOf(page)}/care`;
    await page.goto(care);
    await page.getByRole('link', { name: 'Propose that the child comes into care', exact: true }).click();
    await page.getByRole('button', { name: 'Send for authorisation', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.match(await page.locator('.govuk-error-summary').innerText(), /how the child would come into care/i);
    await visited('propose-invalid', 'a proposal refused');
    await page.getByLabel('Accommodate with the agreement of those with parental responsibility (section 20)', { exact: true }).check();
    await page.getByLabel('Why the child needs to come into care', { exact: true }).fill('Mother admitted to hospital; no family able to care for Flo.');
    await page.getByRole('button', { name: 'Send for authorisation', exact: true }).click();
    await saved(page, 'Proposal sent to a manager for authorisation');
    assert.match(await page.getByTestId('care-decision').innerText(), /Waiting for a manager/);
    await visited('proposed', 'the care tab with a proposal');
    await signOut(page);

    await signIn(page, tara);
    await page.goto(care);
    await page.locator('a[href$="/care/authorise"]').click();
    await visited('authorise-form', 'the authorisation form');
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByRole('button', { name: 'Save the decision', exact: true }).click();
    await saved(page, 'Decision recorded');
    assert.match(await page.getByTestId('care-decision').innerText(), /Agreed by Tara/);
    await signOut(page);

    await signIn(page, sam);
    await page.goto('/work');
    await assert.doesNotReject(page.getByText('Tell the reviewing service, health and the school').first().waitFor());
    await page.goto(care);
    await visited('to-do', 'the care tab with the steps before care to do');
    await page.locator('a[href$="/care/pre-care-meeting"]').click();
    await fillDate(page, 'Date of the meeting', today);
    await page.getByLabel('Who attended', { exact: true }).fill('Sam Worker, Tara Manager, Flo\'s aunt');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Planning meeting recorded');
    await page.locator('a[href$="/care/notify"]').click();
    await page.getByLabel('The Independent Reviewing Service', { exact: true }).check();
    await fillDate(page, 'Date they were told', today);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Recorded who was told');
    assert.match(await page.getByTestId('care-decision').innerText(), /The Independent Reviewing Service on/);
    await visited('agreed', 'the care tab with an agreed decision');

    // A weekend's short break two weeks ago.
    await page.getByRole('link', { name: 'Record a short break', exact: true }).click();
    await fillDate(page, 'Date the short break began', d14);
    await fillDate(page, 'Date the child went home', d12);
    const household = await page.locator('#carer option', { hasText: '(foster household' }).first().getAttribute('value');
    await page.getByLabel('Stayed with', { exact: true }).selectOption(household);
    await page.getByLabel('Type of placement', { exact: true }).selectOption({ label: 'Foster placement with other foster carer(s): not long-term nor fostering for adoption (U6)' });
    await page.getByLabel('Category of need', { exact: true }).selectOption({ label: "Child's disability or illness (N2)" });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved(page, 'Short break recorded');
    assert.match(await page.getByTestId('care-short-breaks').innerText(), /1 in all/);
    await visited('short-break', 'the care tab with a short break');
  } finally {
    await context.close();
  }
});

// A previous system's census brought in on the command line, then met in the browser: the
// team manager finds the imported child, whose record says the census had no name, and
// records it; each page checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser } from '../lib/demo.js';
import { signIn, saved } from '../lib/steps.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A one-child census of the last finished collection year, as another system writes it. */
function census(id) {
  const now = new Date();
  const year = now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1;
  return `<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>${year}</Year><ReferenceDate>${year}-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Previous</SoftwareCode><Release>9</Release><SerialNo>1</SerialNo><DateTime>${year}-04-10T09:00:00</DateTime></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>${id}</LAchildID><PersonBirthDate>2016-02-03</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
<CINdetails><CINreferralDate>${year - 1}-09-01</CINreferralDate><ReferralSource>3A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
<Assessments><AssessmentActualStartDate>${year - 1}-09-02</AssessmentActualStartDate><AssessmentAuthorisationDate>${year - 1}-10-10</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
<CINPlanDates><CINPlanStartDate>${year - 1}-10-10</CINPlanStartDate><CINPlanEndDate>${year - 1}-12-01</CINPlanEndDate></CINPlanDates>
<Section47><S47ActualStartDate>${year - 1}-11-10</S47ActualStartDate><InitialCPCtarget>${year - 1}-12-01</InitialCPCtarget><DateOfInitialCPC>${year - 1}-12-01</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
<ChildProtectionPlans><CPPstartDate>${year - 1}-12-01</CPPstartDate><InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews><CPPreviewDate>${year}-02-20</CPPreviewDate></Reviews></ChildProtectionPlans>
</CINdetails></Child></Children></Message>
`;
}

function hearth(...args) {
  return execFileSync(process.env.HEARTH_BIN, ['--database', process.env.HEARTH_DATABASE, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HEARTH_LOG: 'error' },
  });
}

test('an imported child is found by their old id and given their name', { timeout: 180_000 }, async () => {
  const id = `PREV${Date.now() % 1_000_000}`;
  const file = join(process.env.HEARTH_E2E_TMP, `${id}.xml`);
  writeFileSync(file, census(id));
  const args = ['import', 'cin', file, '--user', 'bea.support', '--la', '999', '--team', 'Contact, Referral and Assessment'];
  assert.match(hearth(...args), /Imported: 1 created, 0 merged, 0 unchanged, 0 rejected/);
  assert.match(hearth(...args), /0 created, 0 merged, 1 unchanged/, 'the same file again changes nothing');

  const user = await demoUser('tara.manager');
  const shot = screens('import');
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, user);
    await page.goto(`/search?q=${id}`);
    await page.getByRole('link', { name: new RegExp(id) }).first().click();
    await waitForPath(page, /^\/people\/[0-9a-f-]+$/);
    const notice = page.locator('#imported');
    await assert.doesNotReject(notice.waitFor());
    assert.match(await notice.innerText(), new RegExp(`LA child id ${id}\\), which has no names`));
    await expectNoSeriousViolations(page, "an imported child's record");
    await shot(page, 'record');

    await notice.getByRole('link', { name: 'change the details' }).click();
    await page.locator('#given_name').fill('Rosa');
    await page.locator('#family_name').fill('Imported');
    await page.getByLabel('Reason for the change').fill('Name from the previous system\'s case file');
    await expectNoSeriousViolations(page, 'the details form of an imported child');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await saved(page, 'Changes saved');
    assert.equal(await page.locator('#imported').count(), 0, 'named now: the notice has gone');
    await assert.doesNotReject(page.getByText(id, { exact: true }).waitFor(), 'the old id is still shown');
    await expectNoSeriousViolations(page, 'the named record');
    await shot(page, 'named');

    // The imported episode: the enquiry with no strategy discussion, the plan and its review.
    await page.getByRole('link', { name: /^Episode from / }).click();
    await waitForPath(page, /^\/episodes\//);
    await assert.doesNotReject(page.getByRole('heading', { name: /^Section 47 enquiry from / }).waitFor());
    await expectNoSeriousViolations(page, 'an imported episode');
    await shot(page, 'episode');
  } finally {
    await context.close();
  }
});

import { test, expect, type Page } from '@playwright/test';
import { signIn } from './fixtures/app';

const GLOBEX = 'org_globexTours00001';
const INITECH = 'org_initechTrips0001';
const SUPPORT = 'org_travel0Support01';

async function hydrated(page: Page) {
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
}

function row(page: Page, email: string) {
  return page.locator(`[data-testid="member-row"][data-email="${email}"]`);
}

test('an invitee accepts through the tenant login and appears with the invited roles; the last admin stays', async ({ page, browser }) => {
  const email = `newcomer-${Date.now()}@initech.example`;
  await signIn(page, 'ivan@initech.example', INITECH, new RegExp(`/orgs/${INITECH}$`));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await expect(row(page, 'ivan@initech.example')).toBeVisible();
  await page.getByRole('link', { name: 'Invite someone' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${INITECH}/invitations$`));
  await expect(page.getByTestId('no-invitations')).toBeVisible();

  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.locator('#invite-role-rol_orgdeskBilling01').check();
  await expect(page.locator('#invite-role-rol_orgdeskMember001')).toBeChecked();
  await page.getByLabel('Valid for (days)').fill('45');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const sent = page.getByTestId('form-notice');
  await expect(sent).toContainText(`Invitation sent to ${email}`);
  const link = await page.getByLabel('Invitation link (if the email does not arrive)').inputValue();
  expect(link).toContain(`organization=${INITECH}`);
  const pending = page.locator(`[data-testid="invitation-row"][data-email="${email}"]`);
  await expect(pending).toContainText('expires');
  await expect(pending).toContainText('billing');

  // The invitee, in a browser of their own.
  const invitee = await browser.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: 'Accept your invitation' })).toBeVisible();
  await invitee.getByLabel('Email address').fill(email);
  await invitee.getByLabel('Password').fill('a-strong-password-1');
  await invitee.getByRole('button', { name: 'Create account and continue' }).click();
  await expect(invitee.getByTestId('joined')).toBeVisible();
  await invitee.close();

  // Accepted: no longer pending, and a member with the invited roles.
  await page.reload();
  await hydrated(page);
  await expect(page.locator(`[data-testid="invitation-row"][data-email="${email}"]`)).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await hydrated(page);
  const newcomer = row(page, email);
  await expect(newcomer).toBeVisible();
  await expect(newcomer.getByRole('checkbox', { name: 'member' })).toBeChecked();
  await expect(newcomer.getByRole('checkbox', { name: 'billing' })).toBeChecked();
  await expect(newcomer.getByRole('checkbox', { name: 'admin' })).not.toBeChecked();

  // Ivan's own admin role is locked (he is also Initech's only admin): the box stays ticked.
  const me = row(page, 'ivan@initech.example');
  await expect(me.getByRole('button', { name: 'Remove' })).toHaveCount(0);
  await expect(me.getByRole('checkbox', { name: 'admin' })).toBeDisabled();
  await expect(me.getByRole('checkbox', { name: 'admin' })).toBeChecked();

  // The audit log shows it all, filters, and exports CSV.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await hydrated(page);
  await expect(page.getByTestId('audit-table')).toContainText('Invited someone');
  await expect(page.getByTestId('audit-table')).toContainText('Accepted an invitation');
  await page.getByLabel('Action').selectOption('invitation');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=invitation/);
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toContainText('invitation.create');
  for (const text of await rows.allTextContents()) expect(text).toContain('invitation.');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = await (await download.createReadStream()).toArray();
  const body = Buffer.concat(csv).toString();
  expect(body.split('\r\n')[0]).toContain('"time","organization","actor"');
  expect(body).toContain('invitation.create');
  expect(body).not.toContain('session.join');
});

test('an admin changes roles, searches, and removes a member after confirming', async ({ page }) => {
  await signIn(page, 'grace@globex.example', GLOBEX, new RegExp(`/orgs/${GLOBEX}$`));
  await page.goto(`/orgs/${GLOBEX}/members`);
  await hydrated(page);
  const heidi = row(page, 'heidi@globex.example');
  await expect(heidi.getByRole('checkbox', { name: 'billing' })).toBeChecked();
  // A box posts its change and shows the old state until the answer: a click, not an uncheck.
  await heidi.getByRole('checkbox', { name: 'billing' }).click();
  await expect(heidi.getByRole('checkbox', { name: 'billing' })).not.toBeChecked();
  await expect(page.getByTestId('form-notice')).toHaveText('Role changed.');
  // The keyboard stays on the box.
  await expect(heidi.getByRole('checkbox', { name: 'billing' })).toBeFocused();
  await page.reload();
  await hydrated(page);
  await expect(row(page, 'heidi@globex.example').getByRole('checkbox', { name: 'billing' })).not.toBeChecked();

  await page.getByLabel('Search by name or email').fill('heidi');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=heidi/);
  await expect(page.getByTestId('search-note')).toBeVisible();
  await expect(page.getByTestId('member-row')).toHaveCount(1);

  const found = row(page, 'heidi@globex.example');
  await found.getByRole('button', { name: 'Remove' }).click();
  await expect(found.getByText('Remove heidi@globex.example from the organization?')).toBeVisible();
  await found.getByRole('button', { name: 'Remove member' }).click();
  await expect(page.getByTestId('form-notice')).toHaveText('The member was removed.');
  await expect(found).toHaveCount(0);
  await page.goto(`/orgs/${GLOBEX}/members`);
  await hydrated(page);
  await expect(row(page, 'grace@globex.example')).toBeVisible();
  await expect(row(page, 'heidi@globex.example')).toHaveCount(0);
});

test('support staff look across organizations and cannot reach the admin desk', async ({ page }) => {
  await signIn(page, 'sam@travel0.example', SUPPORT, /\/support$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Support console' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Bots' })).toHaveCount(0);

  await page.getByLabel('Name or id').fill('globex');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByTestId('org-list').getByRole('link', { name: 'Globex Tours' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Globex');
  await expect(page.getByTestId('support-members')).toContainText('grace@globex.example');
  await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(0);

  await page.goto('/support?report=grants-per-api');
  await hydrated(page);
  await expect(page.getByTestId('api-table')).toContainText('api.travel0.example');
  await page.getByRole('link', { name: 'Bots changed outside orgdesk' }).click();
  await expect(page.getByTestId('no-drift').or(page.getByTestId('drift-table'))).toBeVisible();

  // The desk of an organization is not theirs.
  await page.goto(`/orgs/${GLOBEX}/members`);
  await expect(page.getByRole('alert').first()).toContainText('no such organization');
  await expect(page.getByTestId('member-row')).toHaveCount(0);
});

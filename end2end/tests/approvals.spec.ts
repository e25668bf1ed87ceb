import { test, expect } from '@playwright/test';
import { signIn } from './fixtures/app';

// The third server of the run: its vendor marks write:bookings as needing a second admin.
const APPROVALS_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}`;
const ACME = 'org_acmeTravel000001';

test.use({ baseURL: APPROVALS_URL });

test('a sensitive scope waits for a second admin, who approves it from the overview', async ({ page, browser }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const name = `Bookings writer ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  await page.getByRole('link', { name }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const botUrl = page.url();

  // Alice asks for write:bookings: it waits; she cannot approve it herself.
  const access = page.getByTestId('access-row').first();
  await access.getByLabel('write:bookings').check();
  await access.getByRole('button', { name: 'Save scopes' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Sent for approval: write:bookings');
  await expect(page.getByTestId('access-row').first().getByLabel('write:bookings')).not.toBeChecked();
  const request = page.getByTestId('access-request');
  await expect(request).toHaveAttribute('data-state', 'pending');
  await expect(request.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // Carol, another admin of Acme, sees it on her overview and approves it.
  const other = await browser.newContext({ baseURL: APPROVALS_URL });
  const carol = await other.newPage();
  await signIn(carol, 'carol@consult.example', ACME);
  const waiting = carol.getByTestId('waiting-request');
  await expect(waiting).toContainText(`${name} asks for write:bookings — waits for your decision`);
  await waiting.getByRole('link', { name }).click();
  await expect(carol.locator('main[data-ready="true"]')).toBeVisible();
  await carol.getByTestId('access-request').getByRole('button', { name: 'Approve' }).click();
  await expect(carol.getByTestId('form-notice')).toContainText('Decided');
  await expect(carol.getByTestId('access-request')).toHaveAttribute('data-state', 'approved');
  await expect(carol.getByTestId('access-row').first().getByLabel('write:bookings')).toBeChecked();
  await other.close();

  // Alice sees the decision and the access.
  await page.goto(botUrl);
  await expect(page.getByTestId('request-state')).toContainText('Approved by carol@consult.example');
  await expect(page.getByTestId('access-row').first().getByLabel('write:bookings')).toBeChecked();
});

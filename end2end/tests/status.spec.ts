import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open, signIn } from './fixtures/app';

// The schema version is the number of migrations the server applies.
const SCHEMA = fs.readdirSync(path.resolve(__dirname, '../../migrations/sqlite')).length;

test('on a page with the bundle the status check is answered in place, as the page\'s notice', async ({ page }) => {
  await signIn(page, 'alice@acme.example', 'org_acmeTravel000001');
  await open(page, '/orgs/org_acmeTravel000001/invitations');
  await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
  const call = page.waitForResponse((r) => r.url().endsWith('/forms/service_status'));
  await page.getByRole('button', { name: 'Check service status' }).click();
  expect((await call).status()).toBe(200);
  const notice = page.getByTestId('form-notice');
  await expect(notice).toHaveText(new RegExp(`^All systems normal · database reachable \\(schema ${SCHEMA}\\)`));
  await expect(notice).toBeFocused();
  expect(new URL(page.url()).pathname).toBe('/orgs/org_acmeTravel000001/invitations');
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true)).toBe(true);
  // On the rules page (whose explainer is an island) the answer is a page load, with the same notice.
  await open(page, '/rules');
  await page.getByRole('button', { name: 'Check service status' }).click();
  await expect(page.getByTestId('form-notice')).toHaveText(new RegExp(`^All systems normal`));
  await expect(page.getByTestId('outcome')).toBeVisible();
});

test('on a page without the bundle the status check is a form, answered on the same page', async ({ page }) => {
  await open(page, '/');
  // The landing page is whole as served: no bundle is even asked for.
  expect(await page.locator('script[type="module"]').count()).toBe(0);
  await page.getByRole('button', { name: 'Check service status' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('form-notice')).toHaveText(new RegExp(`^All systems normal · database reachable \\(schema ${SCHEMA}\\)`));
  // Shown once.
  await page.reload();
  await expect(page.getByTestId('form-notice')).toHaveCount(0);
});

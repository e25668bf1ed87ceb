import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open } from './fixtures/app';

// The schema version is the number of migrations the server applies.
const SCHEMA = fs.readdirSync(path.resolve(__dirname, '../../migrations/sqlite')).length;

test('the status check is a server-function round trip on a page with the bundle', async ({ page }) => {
  await open(page, '/rules');
  const call = page.waitForResponse((r) => r.url().endsWith('/api/service_status'));
  await page.getByRole('button', { name: 'Check service status' }).click();
  const response = await call;
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ database_reachable: true, schema_version: SCHEMA });
  await expect(page.getByTestId('status-result')).toHaveText(new RegExp(`^All systems normal · database reachable \\(schema ${SCHEMA}\\)`));
  expect(new URL(page.url()).pathname).toBe('/rules');
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

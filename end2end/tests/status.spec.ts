import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open } from './fixtures/app';

// The schema version is the number of migrations the server applies.
const SCHEMA = fs.readdirSync(path.resolve(__dirname, '../../migrations/sqlite')).length;

test('the status check is a server-function round trip', async ({ page }) => {
  await open(page, '/');
  const call = page.waitForResponse((r) => r.url().endsWith('/api/service_status'));
  await page.getByRole('button', { name: 'Check service status' }).click();
  const response = await call;
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ database_reachable: true, schema_version: SCHEMA });
  await expect(page.getByTestId('status-result')).toHaveText(new RegExp(`^All systems normal · database reachable \\(schema ${SCHEMA}\\)`));
});

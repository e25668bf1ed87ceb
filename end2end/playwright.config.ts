import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// A fresh server per run: its own port and an empty data directory.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgdesk-e2e-'));
const root = path.resolve(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: path.join(root, 'target/debug/orgdesk'),
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ORGDESK_BIND: `127.0.0.1:${port}`,
      ORGDESK_DATA_DIR: dataDir,
      ORGDESK_LOCAL_TENANT_BIND: '127.0.0.1:0',
      ORGDESK_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'info',
    },
  },
});

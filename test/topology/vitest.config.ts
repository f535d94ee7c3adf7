// npm run test:topology: the multi-instance deployment, apart from npm test (it starts PgBouncer,
// HAProxy and three gateways, and needs a Postgres server).
import { configDefaults, defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/topology/**/*.test.ts'],
    exclude: configDefaults.exclude,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
  },
});

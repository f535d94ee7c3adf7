import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) builds; the libraries load the former
    // through Node, so the tests must too, or the schema's types come from two realms.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // npm run test:topology (test/topology/vitest.config.ts): slow, and needs PgBouncer and HAProxy.
    exclude: [...configDefaults.exclude, 'test/topology/**'],
    globalSetup: ['test/setup/database.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: a couple of files at once keeps Postgres and the gateway busy without thrashing.
    maxWorkers: 2,
  },
});

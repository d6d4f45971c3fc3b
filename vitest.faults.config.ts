import { defineConfig } from 'vitest/config';

// `npm run test:faults`: tests that crash, restart and hang a DynamoDB Local of their own (`test/faults/*.faults.ts`).
// They take minutes, so `npm test` (whose pattern is `*.test.ts`) leaves them out; CI runs both.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // One engine at a time: each file starts its own, and restarts compete for the CPU.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});

import { defineConfig } from 'vitest/config';

// Two projects: `unit` (fast, doubles allowed) and `docker` (real engine, real images, real
// dlopen; slow the first time because images are built, then cached by content).
export default defineConfig({
  test: {
    reporters: ['default', './harness/test-support/summary-line-reporter.ts'],
    // One temporary folder per test run, removed at its end (harness/test-support/test-temp-root.ts).
    globalSetup: ['./harness/test-support/test-temp-root.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts'],
          exclude: ['harness/**/*.docker.test.ts', 'harness/**/*.browser.test.ts'],
        },
      },
      {
        test: {
          name: 'docker',
          include: ['harness/**/*.docker.test.ts', 'harness/**/*.browser.test.ts'],
          testTimeout: 45 * 60_000,
          hookTimeout: 45 * 60_000,
          // Integration tests share the Docker engine and the CPU: run their files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

// Prints one plain closing line, "Tests: N passed, N failed, N skipped", that any CI log
// reader understands, after vitest's own summary.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    // A file whose hooks or imports failed leaves its tests unrun, not failed: say so, or the
    // line would read "0 failed" for a red run.
    const brokenFiles = testModules.filter((module) => module.errors().length > 0 || module.state() === 'failed').length;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    const broken = brokenFiles > 0 ? `, ${brokenFiles} file${brokenFiles === 1 ? '' : 's'} failed` : '';
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${broken}\n`);
  }
}

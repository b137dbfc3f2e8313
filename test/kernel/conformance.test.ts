import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installTestKernel, runCommand, type TestJupyter } from '../helpers/jupyter.js';

// The official conformance suite, jupyter_kernel_test.KernelTests, run by Python's unittest against the installed kernel.
let jupyter: TestJupyter;
beforeAll(() => {
  jupyter = installTestKernel();
});
afterAll(() => jupyter?.cleanup());

it('passes jupyter_kernel_test.KernelTests', async () => {
  const suiteDir = fileURLToPath(new URL('./python', import.meta.url));
  const result = await runCommand('/usr/bin/python3', ['-m', 'unittest', '-v', 'test_datakernel_conformance'], jupyter, { cwd: suiteDir });
  // Nothing skipped: the pager test (a page payload) and the history search subtests run too.
  expect(result.stderr).toMatch(/^OK$/m);
  expect(result.stderr).toMatch(/^Ran 12 tests/m);
  expect(result.code).toBe(0);
});

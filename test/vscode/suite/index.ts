// The suite's entry: VS Code calls run() inside the extension host (the VS Code server's remote Node host here,
// or desktop VS Code through @vscode/test-electron). Results go to the console and, when the driver asks for
// it, to a JSON file (the driver cannot see inside the extension host otherwise).
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { registerRunTests } from './run-file.test.ts';
import { registerTraceTests } from './trace-files.test.ts';
import { registerTerminalTests } from './terminal.test.ts';
import { registerUntrustedTests } from './untrusted.test.ts';
import { bridgeUrl, screenshot } from './harness.ts';

interface Outcome { title: string; state: 'passed' | 'failed' | 'pending'; error?: string; ms?: number }

export async function run(): Promise<void> {
  const grep = process.env.LOOPSCOPE_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'loopscope-vscode-suite', mocha);
  // A failure leaves a picture of the workbench next to the session's logs (when a browser is attached).
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && bridgeUrl) await screenshot(`failed ${this.currentTest.fullTitle()}`, true).catch(() => {});
  });
  if (process.env.LOOPSCOPE_TEST_UNTRUSTED === '1') registerUntrustedTests();
  else {
    registerRunTests();
    registerTraceTests();
    registerTerminalTests();
  }
  const outcomes: Outcome[] = [];
  const resultsFile = process.env.LOOPSCOPE_TEST_RESULTS;
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) => outcomes.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) }));
    runner.on('pending', (t) => outcomes.push({ title: t.fullTitle(), state: 'pending' }));
  });
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ vscode: vscode.version, outcomes }, null, 2));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}

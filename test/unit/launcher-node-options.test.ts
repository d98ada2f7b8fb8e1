import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { composeNodeOptions, quoteNodeOption } from '../../src/launcher/node-options.ts';

test('the agent goes first, the user\'s own NODE_OPTIONS follow unchanged', () => {
  assert.equal(composeNodeOptions('/opt/ls/dist/runtime/agent.cjs', '--require ./mine.cjs --max-old-space-size=4096'),
    '--require "/opt/ls/dist/runtime/agent.cjs" --require ./mine.cjs --max-old-space-size=4096');
});

test('no user NODE_OPTIONS (absent or blank): just the agent', () => {
  assert.equal(composeNodeOptions('/a.cjs', undefined), '--require "/a.cjs"');
  assert.equal(composeNodeOptions('/a.cjs', '   '), '--require "/a.cjs"');
});

test('quoting follows node\'s NODE_OPTIONS rules: spaces kept inside quotes, \\ and " escaped', () => {
  assert.equal(quoteNodeOption('/home/a b/agent.cjs'), '"/home/a b/agent.cjs"');
  assert.equal(quoteNodeOption('/tmp/say "hi"/agent.cjs'), '"/tmp/say \\"hi\\"/agent.cjs"');
  assert.equal(quoteNodeOption('C:\\Program Files\\loopscope\\agent.cjs'), '"C:\\\\Program Files\\\\loopscope\\\\agent.cjs"');
});

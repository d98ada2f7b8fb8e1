import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseCommand, parseExportArgs, parseReportArgs, parseRunArgs, UsageError } from '../../src/cli/args.ts';

test('run: defaults', () => {
  assert.deepEqual(parseRunArgs(['app.js']), {
    script: 'app.js', scriptArgs: [], thresholdMs: 50, mode: 'tree', failOnBlock: false, quiet: false, includeNodeModules: false,
  });
});

test('run: every option, in both --x v and --x=v forms', () => {
  const a = parseRunArgs(['--threshold', '12.5', '--mode=blocking', '--trace', 't.ndjson', '--summary=s.json', '--fail-on-block', '--quiet',
    '--node', '/opt/node', '--include-node-modules', '--task-cap=500', '--exact', '5000', 'app.js']);
  assert.deepEqual(a, {
    script: 'app.js', scriptArgs: [], thresholdMs: 12.5, mode: 'blocking', trace: 't.ndjson', summary: 's.json', failOnBlock: true,
    quiet: true, node: '/opt/node', includeNodeModules: true, taskCap: 500, exactPerSite: 5000,
  });
});

test('run: --exact takes a whole number of tasks per call site, or all (0 in the agent config: record every task)', () => {
  assert.equal(parseRunArgs(['--exact', '50', 'a.js']).exactPerSite, 50);
  assert.equal(parseRunArgs(['--exact=all', 'a.js']).exactPerSite, 0);
  assert.equal(parseRunArgs(['--exact', 'ALL', 'a.js']).exactPerSite, 0);
  assert.equal(parseRunArgs(['a.js']).exactPerSite, undefined, 'absent: the agent default');
});

test('run: --sampler takes always, late or never; absent, the mode decides', () => {
  assert.equal(parseRunArgs(['--sampler', 'never', 'a.js']).sampler, 'never');
  assert.equal(parseRunArgs(['--sampler=late', 'a.js']).sampler, 'late');
  assert.equal(parseRunArgs(['--mode', 'blocking', '--sampler', 'always', 'a.js']).sampler, 'always');
  assert.equal(parseRunArgs(['a.js']).sampler, undefined);
});

test('run: everything after the script is the script\'s, even what looks like our options', () => {
  const a = parseRunArgs(['--quiet', 'app.js', '--threshold', '5', '--', '-x']);
  assert.equal(a.script, 'app.js');
  assert.deepEqual(a.scriptArgs, ['--threshold', '5', '--', '-x']);
  assert.equal(a.thresholdMs, 50);
});

test('run: `--` ends our options, so a script may start with a dash', () => {
  const a = parseRunArgs(['--', '-weird.js', 'arg']);
  assert.equal(a.script, '-weird.js');
  assert.deepEqual(a.scriptArgs, ['arg']);
});

test('run: bad values name the option and the value', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--threshold', '0', 'a.js'], /--threshold must be a number greater than 0, got "0"/],
    [['--threshold=-3', 'a.js'], /--threshold must be a number greater than 0, got "-3"/],
    [['--threshold', 'fast', 'a.js'], /got "fast"/],
    [['--threshold='], /--threshold must be a number greater than 0, got ""/],
    [['--task-cap', '1.5', 'a.js'], /--task-cap must be a whole number greater than 0, got "1.5"/],
    [['--mode', 'all', 'a.js'], /--mode must be tree or blocking, got "all"/],
    [['--exact', '0', 'a.js'], /--exact must be a whole number of tasks per call site greater than 0, or "all" to record every task, got "0"/],
    [['--exact=2.5', 'a.js'], /--exact must be .*, got "2\.5"/],
    [['--exact', 'every', 'a.js'], /--exact must be .*, got "every"/],
    [['--exact', '-5', 'a.js'], /--exact needs a value/],
    [['--exact='], /--exact must be .*, got ""/],
    [['--sampler', 'sometimes', 'a.js'], /--sampler must be always, late or never, got "sometimes"/],
    [['--sampler'], /--sampler needs a value: always, late, never/],
    [['--trace'], /--trace needs a value/],
    [['--trace', '--quiet', 'a.js'], /--trace needs a value/],
    [['--quiet=yes', 'a.js'], /--quiet takes no value/],
    [['--thresold', '5', 'a.js'], /unknown option --thresold for run/],
    [[], /missing the script to run/],
    [['--quiet'], /missing the script to run/],
    [['--'], /missing the script to run/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(() => parseRunArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message) && /loopscope run/.test(e.usage), argv.join(' '));
  }
});

test('commands, help and version', () => {
  assert.deepEqual(parseCommand(['--help']), { name: 'help' });
  assert.deepEqual(parseCommand(['-h']), { name: 'help' });
  assert.deepEqual(parseCommand(['--version']), { name: 'version' });
  assert.equal(parseCommand(['run', 'x.js']).name, 'run');
  assert.throws(() => parseCommand([]), /missing command/);
  assert.throws(() => parseCommand(['start']), /unknown command "start" \(commands: run, report, export\)/);
  assert.throws(() => parseCommand(['--threshold', '5']), /unknown option --threshold \(options go after the command\)/);
});

test('report and export', () => {
  assert.deepEqual(parseReportArgs(['t.ndjson']), { trace: 't.ndjson' });
  assert.deepEqual(parseReportArgs(['--html', 'o.html', 't.ndjson']), { trace: 't.ndjson', html: 'o.html' });
  assert.deepEqual(parseReportArgs(['t.ndjson', '--html=o.html']), { trace: 't.ndjson', html: 'o.html' });
  assert.throws(() => parseReportArgs([]), /missing the trace file/);
  assert.throws(() => parseReportArgs(['a', 'b']), /unexpected argument "b"/);
  assert.throws(() => parseReportArgs(['--pdf', 'x', 't']), /unknown option --pdf for report/);
  assert.deepEqual(parseExportArgs(['--chrome', 'out.json', 't.ndjson']), { trace: 't.ndjson', chrome: 'out.json' });
  assert.throws(() => parseExportArgs(['t.ndjson']), /missing --chrome <out.json>/);
  assert.throws(() => parseExportArgs(['--chrome', 'o.json']), /missing the trace file to export/);
});

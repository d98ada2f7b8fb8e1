// Runs until stopped, with a child process of its own: Stop must end both. Writes both pids to the file
// named by its first argument, so the test can check that no process is left behind.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(process.argv[2], JSON.stringify({ parent: process.pid, child: child.pid }));
console.log('running; parent', process.pid, 'child', child.pid);
setInterval(() => {}, 100);

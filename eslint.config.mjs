// Lint rules that keep the rooms apart: see README "Architecture".
import tseslint from 'typescript-eslint';

const noVscode = { paths: [{ name: 'vscode', message: 'Only src/host may import vscode.' }] };
const nodeBuiltins = ['fs', 'path', 'net', 'child_process', 'os', 'worker_threads', 'inspector', 'http', 'stream', 'util', 'zlib', 'crypto', 'module', 'url', 'events', 'readline', 'v8', 'perf_hooks'];
const noNode = {
  paths: [{ name: 'vscode', message: 'webview/ runs in a browser.' }],
  patterns: [{ group: ['node:*', ...nodeBuiltins], message: 'This room is pure / runs in a browser: no Node modules.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', 'examples/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['src/protocol/**', 'src/model/**', 'webview/**'], rules: { 'no-restricted-imports': ['error', noNode] } },
  { files: ['src/runtime/**', 'src/launcher/**', 'src/cli/**'], rules: { 'no-restricted-imports': ['error', noVscode] } },
  { files: ['**/*.mjs', '**/*.cjs', 'bin/**'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);

// Lint is a gate: zero warnings, and the process boundaries are rules, not conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.electron-native/**',
      'bench/results/**',
      'scratch/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Shared contract: runs in every process, so it may depend on neither Electron nor Node.
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', ...nodeBuiltins],
          patterns: [
            {
              group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**'],
              message: 'src-shared imports no process-specific code.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer talks to the core only through the contract client.
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The classic hook rules; the React Compiler rules do not apply (we do not use the compiler).
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', ...nodeBuiltins],
          patterns: [
            {
              group: ['**/src-main/**', '**/src-preload/**'],
              message: 'The renderer reaches the core only through the API contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**'], message: 'The preload exposes invoke/on only.' },
          ],
        },
      ],
    },
  },
  {
    // Issue 19: SQL lives in the areas (store/, cases/, sync/, mail/, …). The API handlers and the
    // Workstation only call them, so a rule has one home and a reader finds it there.
    files: ['src-main/api/**/*.ts', 'src-main/app/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression > MemberExpression.callee[property.name='prepare'], CallExpression > MemberExpression.callee[property.value='prepare'], CallExpression > ChainExpression > MemberExpression[property.name='prepare'], CallExpression > ChainExpression > MemberExpression[property.value='prepare']",
          message:
            'No SQL in src-main/api or src-main/app: SQL belongs in the areas (store/, cases/, sync/, mail/, …); call a function there.',
        },
      ],
    },
  },
  {
    // The core runs in plain Node (CLI, browser mode, tests); only src-main/electron may touch Electron.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only src-main/electron/ may import electron: the core must run without it.' },
          ],
          patterns: [
            { group: ['**/src-renderer/**', '**/src-preload/**'], message: 'The core never imports UI code.' },
          ],
        },
      ],
    },
  },
);

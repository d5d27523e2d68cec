// Lint: TypeScript and React-hooks rules, and the layer rules of DESIGN.md §2 as import
// restrictions (they held only by habit before), no import cycles (dead exports: knip, in scripts/lint.mjs).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const banned = (...groups) => ['error', { patterns: groups }];
const NODE_BUILTINS = { group: ['node:*'], message: 'the renderer runs in a sandboxed page: no Node modules' };
const ELECTRON = { group: ['electron'], message: "only src/main/index.ts and src/preload may import 'electron' (core runs under plain Node too)" };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-output/**', 'training/runs/**', '**/*.mjs', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // comma sequences (`(a = x), (b = y)`) are this codebase's style for paired updates
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // the two classic rules; the React Compiler's stricter ones would flag the ref-latest idiom we use on purpose
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': banned(NODE_BUILTINS, ELECTRON, { group: ['**/main/**', '**/preload/**'], message: 'the renderer talks only to the contract (src/shared)' }) },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': banned(ELECTRON, { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'the contract depends on nothing but itself' }) },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': banned(ELECTRON, { group: ['**/commands/**', '**/webhost', '**/cli', '**/main/index'], message: 'core knows no transport' }),
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['src/main/core/api/**', 'src/main/core/core.ts'],
    rules: {
      'no-restricted-imports': banned(ELECTRON, { group: ['**/commands/**', '**/webhost', '**/cli', '**/main/index'], message: 'core knows no transport' }, { group: ['**/api', '**/api/**', '../api/*'], message: 'core modules never import the API handlers (api/ calls core, not the other way)' }),
    },
  },
  {
    files: ['src/main/commands/**/*.ts', 'src/main/webhost.ts', 'src/main/cli.ts'],
    rules: { 'no-restricted-imports': banned(ELECTRON) },
  },
);

// ESLint with typescript-eslint, type-aware (`npm run lint`, part of `npm test`).
// The base is strictTypeChecked: the rules that catch real bugs (floating and
// misused promises, any leaking through unsafe-*, switch exhaustiveness,
// conditions the types say are constant) stay errors; the few that fight the
// codebase's deliberate style are relaxed below, each with its reason.
// Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The Node globals the plain-JavaScript scripts use (no `globals` package needed for a dozen names). */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'structuredClone',
    'TextEncoder',
    'TextDecoder',
    'AbortController',
    'fetch',
    'performance',
    'queueMicrotask',
    'require',
    'module',
    '__dirname',
    '__filename',
    'globalThis',
  ].map((n) => [n, 'readonly']),
);

export default tseslint.config(
  // Generated, vendored and downloaded files are not ours to lint.
  { ignores: ['dist/**', 'out/**', 'listings/**', 'node_modules/**', '.e2e/**', 'e2e-screenshots*/**', 'bench-results/**', 'data/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    // projectService reads tsconfig.json, so exactly the files tsc checks get type information.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsconfig has noUncheckedIndexedAccess: `xs[i]!` is how the code states "index checked", so `!` is intended, not a smell.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans print as expected in templates; nullish and objects ("undefined", "[object Object]") stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `x + 'px'` reads as well as a template and numbers print as expected; objects, any and nullish operands stay errors.
      '@typescript-eslint/restrict-plus-operands': ['error', { allowNumberAndString: true }],
      // `return send(...)` as an early exit from a void function is the house idiom (about 175 places); nothing is returned either way.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `while (true)` loops with a break inside are deliberate (parsers, schedulers).
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: 'only-allowed-literals' }],
      // A switch on a union without `default` must handle every member: a new message type or event kind cannot slip through.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `Action | void`: a driver statement's closure either returns an action or has a block body that returns nothing; `| undefined` would reject the latter.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Driver and host state is plain data (snapshots copy it), so keyed tables are records and `delete` is how an entry goes.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // An async function without await still turns a throw into a rejection; Promise-returning interfaces are implemented that way on purpose.
      '@typescript-eslint/require-await': 'off',
      // vscode.d.ts declares Disposable as a class, but the API hands out objects that only match it structurally: every registerX() result would be flagged.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // `_name` marks a parameter kept for its position (callbacks, overrides); anything else unused is dead code.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The host's PacketError and the parser's StatementError are control-flow values caught in the same file (no stack wanted); anything else thrown must be an Error.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: ['PacketError', 'StatementError', 'TooManyDiagnostics'] }] }],
    },
  },
  {
    // The guest driver models must stay fully typed (issue 15): no `any`, explicit or leaking.
    files: ['emulator/vpci/guest/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': ['error', { fixToUnknown: false, ignoreRestArgs: false }],
    },
  },
  {
    // Tests, benchmarks, fuzzers and scripts: still linted with types, but node:test's `test()`/`describe()`
    // return promises the runner itself awaits, so leaving them unawaited at top level is the documented use.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'fuzz/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] },
      ],
      // They read DAP bodies and JSON files that their libraries type `any`, and check them with assertions at run time;
      // an explicit `any` is still an error.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // assert.ok(r.ok) does not narrow, so tests narrow again by hand (`if (!r.ok) continue`); the rule calls that dead code.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // Plain JavaScript (build scripts, the e2e driver, bench helpers) is outside tsconfig: lint it without type information.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: nodeGlobals, sourceType: 'module', parserOptions: { projectService: false, project: false, program: null } },
  },
  {
    // The e2e journeys hand functions to page.evaluate(): those run in the browser.
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly', getComputedStyle: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

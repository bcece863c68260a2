// ESLint with typescript-eslint, type-aware. The strict type-checked rules run
// where they pay (the emulator, the adapter, the language server and the
// extension); a few rules whose fixes would only add noise are relaxed with the
// reason beside them. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'listings/**', 'node_modules/**', '.e2e/**', 'e2e-screenshots*/**', 'bench-results/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {},
  },
);

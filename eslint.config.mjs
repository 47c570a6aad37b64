// ESLint with typescript-eslint's type-checked rules, run by `npm test` (scripts/test.mjs).
// Each TypeScript file is checked with the types of the project that holds it (tsconfig.json,
// miniprogram/tsconfig.json); formatting is Prettier's (.prettierrc.json), not ESLint's.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.preview/**',
      '.data/**',
      // Generated: the mini program's pre-bundled core and the precompiled DCC schema validator.
      'miniprogram/lib/**',
      'miniprogram/packageVerify/lib/**',
      'core/dcc-schema-precompiled.ts',
      'core/dcc-schema-validate.generated.ts',
      'core/valuesets.generated.ts',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The mini program's global declarations are part of its project (miniprogram/tsconfig.json), which
    // the project service would not find from this folder.
    files: ['typings/**/*.d.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './miniprogram/tsconfig.json' } },
  },
  {
    // Tests and benchmarks read untyped JSON responses and build hostile inputs on purpose; their
    // assertions, not the types, check what came back.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Test stand-ins implement asynchronous interfaces (Store, storage, WeChat's APIs) with synchronous
    // bodies; `async` keeps what they throw a rejection, as it is from the real thing. Tests load some
    // modules with require(): afresh after jest.resetModules() (miniprogram-simulate registers a page
    // once per load), inside jest.isolateModules, or CommonJS-only tools such as miniprogram-compiler.
    // Some wrap a method to time it or to break it at a chosen point, calling the original with its receiver.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

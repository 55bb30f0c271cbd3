// ESLint (flat config): typescript-eslint with the type-aware promise rules, and the layers of
// docs/architecture.md as import restrictions: each folder may import only the layers below it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Import specifiers that reach into a folder of src/ (relative, so matched by its name). */
const folder = (name) => [`**/${name}`, `**/${name}/**`];
/** `no-restricted-imports` refusing the named folders, saying which layer may not. */
const layer = (who, folders, why) => ({
  files: [`src/${who}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: folders.flatMap(folder), message: `${who}/ ${why} (see docs/architecture.md)` }] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'tmp/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        NodeJS: 'readonly',
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The console's browser script: a page's globals, and uPlot loaded before it.
  { files: ['assets/console/**/*.js'], languageOptions: { globals: { window: 'readonly', document: 'readonly', uPlot: 'readonly' } } },
  // A migration is written against the schema as it was then, not today's types (Kysely's advice).
  { files: ['migrations/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Tests read HTTP bodies as JSON of no declared type; their assertions are what checks the shape.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layer('shared', ['config', 'db', 'domain', 'core', 'transport', 'scheduler', 'http', 'cli'], 'holds what every layer may use: it imports none of ours'),
  layer('db', ['config', 'domain', 'core', 'transport', 'scheduler', 'http', 'cli'], 'is the bottom layer: it imports only shared/ (and migrations/)'),
  layer('domain', ['config', 'core', 'transport', 'scheduler', 'http', 'cli'], 'imports only db/ and shared/'),
  layer(
    'transport',
    ['config', 'db', 'domain', 'core', 'scheduler', 'http', 'cli'],
    'imports only shared/: what it needs of the core comes through TransportSink',
  ),
  layer(
    'core',
    ['transport/smpp', 'transport/twilio', 'transport/dev', 'scheduler', 'http', 'cli'],
    'imports domain/, db/, config/, shared/ and transport types and codecs, never an adapter, the scheduler or http/',
  ),
  layer('scheduler', ['transport', 'http', 'cli'], 'imports core/, domain/, db/, config/ and shared/'),
  layer('http', ['scheduler', 'cli'], 'imports core/, domain/, db/, config/, shared/ and transport types'),
  layer('config', ['db', 'domain', 'core', 'transport', 'scheduler', 'http', 'cli'], 'is read by every layer and imports none of ours'),
  {
    // Nothing imports http/ but the gateway that serves it.
    files: ['src/*.ts', 'src/cli/**/*.ts'],
    ignores: ['src/gateway.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: folder('http'), message: 'only src/gateway.ts imports http/ (see docs/architecture.md)' }] }],
    },
  },
  prettier,
);

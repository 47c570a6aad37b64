/**
 * The import rules of docs/architecture.md, checked by dependency-cruiser in `npm test`
 * (scripts/test.mjs runs scripts/checks.mjs, which names the folders). Each rule is named for what
 * it forbids. Type-only imports count like any other (tsPreCompilationDeps): a type cycle is a cycle.
 *
 *   node scripts/checks.mjs imports
 *
 * test/build/import-rules.test.ts runs these rules on a small tree with one breach of each and
 * expects every one to be reported.
 */

/** Folders whose code is deployed or shipped: none may import demo data, stand-ins or tests. */
const PRODUCTION = '^(core|server|node|cli|web|miniprogram|cloudfunctions|bin)/';

/** The compositions that start the demo on one machine: `npm start` and `npm run demo`. */
const DEMO_COMPOSITIONS = '^node/(start|demo)\\.ts$';

/**
 * The CLI subcommands that open a local data folder or speak to a deployment, and so use the
 * server's code; every other part of the CLI uses the core (and node/) only.
 */
const CLI_SERVER_SUBCOMMANDS = '^cli/(keys|keys-local|partners|partners-local|provision|store-local|trustlist-export)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-import-cycles',
      comment: 'A cycle, through values or types, ties its modules into one: break it with a narrow interface next to the service that is used.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-outside-core',
      comment: 'The core is pure and shared by every front end: it imports only itself and its npm dependencies.',
      severity: 'error',
      from: { path: '^core/' },
      to: { pathNot: ['^core/', 'node_modules/'], dependencyTypesNot: ['core'], couldNotResolve: false },
    },
    {
      name: 'core-imports-node-builtins',
      comment: 'The core runs in the mini program and the browser too: no fs, crypto, buffer or other Node built-ins.',
      severity: 'error',
      from: { path: '^core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'server-imports-node-runtime',
      comment: 'node/ is what only a process on one machine has (npm start, worker pools); the cloud functions bundle the server without it.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^node/' },
    },
    {
      name: 'server-imports-front-ends',
      comment: 'The server is below the front ends and the entries that bundle it.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^(cli|web|miniprogram|cloudfunctions|bin)/' },
    },
    {
      name: 'node-imports-front-ends',
      comment: 'The local runtime composes the server; it does not use the front ends.',
      severity: 'error',
      from: { path: '^node/' },
      to: { path: '^(cli|web|miniprogram|cloudfunctions|bin)/' },
    },
    {
      name: 'web-imports-outside-core',
      comment: 'The web verifier is a static page: its own files and the core (never the CLI, the server or node/).',
      severity: 'error',
      from: { path: '^web/' },
      to: { pathNot: ['^web/', '^core/', 'node_modules/'], couldNotResolve: false },
    },
    {
      name: 'miniprogram-imports-outside-core',
      comment: 'The mini program ships its own folders and the pre-bundled core (lib/*.d.ts re-export the core): never the CLI or the server.',
      severity: 'error',
      from: { path: '^miniprogram/' },
      to: { pathNot: ['^miniprogram/', '^core/', 'node_modules/'], couldNotResolve: false },
    },
    {
      name: 'cloudfunction-imports-outside-server-cloud',
      comment: 'A cloud function entry is two lines over its composition in server/cloud/.',
      severity: 'error',
      from: { path: '^cloudfunctions/' },
      to: { pathNot: ['^cloudfunctions/', '^server/cloud/', 'node_modules/'], couldNotResolve: false },
    },
    {
      name: 'cli-imports-server-outside-data-folder-subcommands',
      comment: 'Verifying needs the core only; only the subcommands that open a data folder or speak to a deployment use the server.',
      severity: 'error',
      from: { path: '^cli/', pathNot: CLI_SERVER_SUBCOMMANDS },
      to: { path: '^server/' },
    },
    {
      name: 'production-imports-demo',
      comment: 'Demo data is seeded by the local start and the demo only (and tests); nothing deployed carries it.',
      severity: 'error',
      from: { path: PRODUCTION, pathNot: DEMO_COMPOSITIONS },
      to: { path: '^demo/' },
    },
    {
      name: 'demo-imports-front-ends',
      comment: 'Demo data is seeded into a local app: it uses the server, node/ and the core, not the front ends.',
      severity: 'error',
      from: { path: '^demo/' },
      to: { path: '^(cli|web|miniprogram|cloudfunctions|bin)/' },
    },
    {
      name: 'production-imports-tests-or-stand-ins',
      comment: 'Test stand-ins (test/support) and benchmarks imitate what cannot run here; neither production code nor the demo imports them.',
      severity: 'error',
      from: { path: `${PRODUCTION}|^demo/` },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Generated bundles (git-ignored, written by npm run build): their sources are cruised instead.
    exclude: {
      path: ['^node_modules/', '^dist/', '^cloudfunctions/[^/]+/(index|pdf)\\.js$', '^miniprogram/(lib|packageVerify/lib)/[^/]+\\.js$'],
    },
    // Count `import type` too: the rules are about which layer knows which, not what survives compilation.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      // .d.ts before .js: the mini program's lib/*.d.ts stand for the generated bundles beside them.
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

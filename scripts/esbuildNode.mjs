// esbuild options for a Node bundle built outside `npm run build` (the benchmark's library and
// the loader worker the tests start): CommonJS for Node 20, as scripts/build.mjs builds them.
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // jsonc-parser's UMD build requires its parts dynamically; its ES module build bundles.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

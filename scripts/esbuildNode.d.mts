import type { BuildOptions } from 'esbuild';
/** esbuild options for a Node bundle built outside `npm run build`. */
export const NODE_BUNDLE: BuildOptions;

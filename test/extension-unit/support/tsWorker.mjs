// Runs the analysis worker from its TypeScript source (tests only), as the process the
// extension starts: that process does not inherit the test runner's TypeScript loader, so the
// loader is registered here, for ES modules and CommonJS alike.
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerEsm();
registerCjs();
await import('../../../src/extension/worker.ts');

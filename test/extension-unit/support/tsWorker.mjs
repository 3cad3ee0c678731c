// Runs the analysis worker from its TypeScript source in a worker thread (tests only):
// worker threads do not inherit the test process's TypeScript loader, so it is registered here.
import { register } from 'tsx/esm/api';

register();
await import('../../../src/extension/worker.ts');

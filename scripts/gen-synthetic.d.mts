// Types of scripts/gen-synthetic.mjs for the TypeScript scripts that import it.
export const MODELS: readonly { readonly name: string; readonly skill: number; readonly input: number; readonly output: number; readonly latency: number }[];
export function datasetDir(out: string, queries: number, promptBytes: number): string;
export function generate(options: { queries: number; out?: string; seed?: number; promptBytes?: number; log?: (line: string) => void }): Promise<{ dir: string; bytes: number; reused?: boolean }>;

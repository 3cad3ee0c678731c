/**
 * When reading on a second thread is worth it by default: two files or more, of 16 MB or more
 * in all, on a machine of two cores or more. The loader decides by it (`filesForThisThread` in
 * parallel.ts), and so does the command line's entry point, which starts that thread ahead
 * (src/cli/standby.ts). Nothing imported here: the entry point's small bundle takes this file.
 */
export const SECOND_THREAD: { readonly minFiles: number; readonly minBytes: number; readonly minCores: number } = { minFiles: 2, minBytes: 16 * 1024 * 1024, minCores: 2 };

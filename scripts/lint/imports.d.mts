/** Module specifiers a source imports, re-exports or requires (comments ignored). */
export function importSpecifiers(source: string): string[];

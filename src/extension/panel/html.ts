import { randomBytes } from 'node:crypto';

/** What the panel's page needs from the host: webview URIs as strings and the page's nonce. */
export interface FrontierHtmlParts {
  /** `webview.cspSource`: the origin of the extension's own files inside the webview. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
}

/** A nonce for the page's script: 128 random bits from the system's CSPRNG, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content Security Policy of the panel: nothing by default; the bundled script only by
 * nonce; styles, fonts and images only from the extension's own files (images also as data
 * URLs, which the chart export produces). No inline code, no eval, no remote origin.
 */
export function frontierCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} data:`].join('; ');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The panel's page: CSP, stylesheet, an empty mount point and the bundled script. */
export function frontierHtml(parts: FrontierHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(frontierCsp(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(parts.styleUri)}">
<title>${escapeAttr(parts.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeAttr(parts.nonce)}" src="${escapeAttr(parts.scriptUri)}"></script>
</body>
</html>
`;
}

/**
 * The console's HTML shell: a page that works before the script arrives (a heading and a
 * loading line, a <noscript> note) and then hands over to the bundle. No inline script or style,
 * so the Content-Security-Policy below can forbid both.
 */
export function consoleHtml(assets: { script: string; style: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>open2fa console</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23245ddb'/%3E%3C/svg%3E">
<link rel="stylesheet" href="${assets.style}">
<script type="module" src="${assets.script}"></script>
</head>
<body>
<div id="app"><main class="boot"><h1>open2fa console</h1><p role="status">Loading…</p>
<noscript><p>The console needs JavaScript. The same data is available through the HTTP API (see /docs).</p></noscript></main></div>
</body>
</html>
`;
}

/**
 * Only this server's own script and style; audio from this server, blob: (previews are fetched
 * with the API key, then played from memory) and the sandbox's audioUrl, which points at the
 * configured publicUrl and may be another origin behind a proxy.
 */
export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "media-src 'self' blob: http: https:",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/**
 * The shared HTML shell of generated pages: one stylesheet and one navigation bar, with inline
 * code allowed only through the response's CSP nonce. Callers pass already-escaped HTML for the
 * body; the title is escaped here. Pure: builds strings.
 */
import { escapeHtml } from './escape.js';

/** The content type of generated pages. */
export const HTML_TYPE = 'text/html; charset=utf-8';

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #5e6778;
  --line: #dde1e8; --accent: #2f6fdf; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --card: #1d2128; --ink: #e6e9ef;
  --muted: #9aa3b2; --line: #2c323c; --accent: #7aa7ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .8rem 1.5rem;
  border-bottom: 1px solid var(--line); background: var(--card); flex-wrap: wrap; }
header .brand { font-weight: 700; font-size: 1.1rem; }
header nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
main { padding: 1.2rem 1.5rem; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .6rem; overflow-wrap: anywhere; }
a { color: var(--accent); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem;
  margin-bottom: 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: .8rem;
  margin-bottom: 1rem; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .7rem 1rem; }
.stat .label { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.stat .value { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
.muted { color: var(--muted); }
.kv th { width: 12rem; }
.links a { margin-right: .8rem; }
footer { padding: 1rem 1.5rem; color: var(--muted); font-size: .85rem; }
`;

/** Options of {@link page}. */
export interface PageOptions {
  /** Page title, plain text. */
  title: string;
  /** The response's CSP nonce. */
  nonce: string;
  /** Station name for the header, plain text. */
  station: string;
  /** Body HTML, already escaped. */
  body: string;
  /** Extra head HTML (e.g. a script tag), already escaped. */
  head?: string;
  /** Extra CSS, trusted. */
  style?: string;
  /** Inline script, trusted code only (data travels through JSON or data- attributes). */
  script?: string;
}

/** Renders a complete page. */
export function page(opts: PageOptions): string {
  const nonce = escapeHtml(opts.nonce);
  const script = opts.script ? `<script nonce="${nonce}">${opts.script}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${nonce}">${STYLE}${opts.style ?? ''}</style>${opts.head ?? ''}
</head><body>
<header><span class="brand">${escapeHtml(opts.station)}</span>
<nav><a href="/info.html">Info</a><a href="/status.xsl">Status</a><a href="/monitor.html">Monitor</a><a href="/api/v1/openapi.json">API</a></nav></header>
<main>${opts.body}</main>
<footer>PenguinCast</footer>
${script}
</body></html>
`;
}

/**
 * The consent page and the error page of the authorization endpoint. Self-contained HTML: inline
 * CSS, no scripts, nothing loaded from elsewhere. Every value is escaped.
 */
import { escapeHTML } from './html';
import type { EmulatorUser } from './types';

/** What the consent page shows. */
export interface ConsentView {
  appName: string;
  clientID: string;
  domain: string;
  user: EmulatorUser;
  /** Avatar URL (same origin). */
  pic: string;
  scope: string;
  /** Where the browser goes after the decision; only its origin is shown. */
  redirectURI: string;
  /** Opaque id of the pending request; the page carries nothing else. */
  requestID: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef2f7;color:#1f2937}
main{background:#fff;max-width:26rem;width:calc(100% - 2rem);padding:2rem;border-radius:12px;
box-shadow:0 10px 30px rgba(15,23,42,.12)}
h1{font-size:1.3rem;margin:0 0 1rem}
.brand{font-weight:700;color:#2563eb;letter-spacing:.02em;margin-bottom:1rem}
.who{display:flex;gap:.75rem;align-items:center;margin:1rem 0;padding:.75rem;background:#f8fafc;border-radius:8px}
.who img{width:40px;height:40px;border-radius:50%}
dl{margin:1rem 0;display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
dt{color:#64748b}dd{margin:0;word-break:break-all}
ul{margin:.25rem 0 0;padding-left:1.25rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;font:inherit;padding:.6rem 1rem;border-radius:8px;border:1px solid #cbd5e1;cursor:pointer}
button[value=approve]{background:#2563eb;border-color:#2563eb;color:#fff}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
small{color:#64748b}`;

/**
 * The consent page. The form posts the decision (`decision=approve|deny`) and the opaque
 * `request_id` back to the authorization endpoint; buttons have ids `approve` and `deny`.
 */
export function consentPage(view: ConsentView): string {
  const e = escapeHTML;
  const scopes = view.scope.split(' ').filter((item) => item !== '');
  const scopeHTML =
    scopes.length === 0
      ? '<small>basic profile (no scope requested)</small>'
      : `<ul>${scopes.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`;
  const app =
    view.appName === view.clientID
      ? e(view.appName)
      : `${e(view.appName)} <small>(${e(view.clientID)})</small>`;
  return page(
    'Authorize application · Agile CRM',
    `<div class="brand">Agile CRM</div>
<h1>${e(view.appName)} wants to access your Agile CRM account</h1>
<div class="who"><img src="${e(view.pic)}" alt="" width="40" height="40"><div><strong>${e(view.user.name)}</strong><br><small>${e(view.user.email)}</small></div></div>
<dl>
<dt>Application</dt><dd>${app}</dd>
<dt>Account</dt><dd>${e(view.domain)}</dd>
<dt>Access</dt><dd>${scopeHTML}</dd>
<dt>Returns to</dt><dd>${e(new URL(view.redirectURI).origin)}</dd>
</dl>
<form method="post" action="/${e(view.domain)}/oauth/authorize">
<input type="hidden" name="request_id" value="${e(view.requestID)}">
<div class="actions">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
</div>
</form>
<p><small>This is a local Agile CRM emulator for development and tests.</small></p>`,
  );
}

/** The page shown instead of redirecting when the authorization request is invalid. */
export function authorizationErrorPage(reason: string): string {
  return page(
    'Invalid authorization request · Agile CRM',
    `<div class="brand">Agile CRM</div>
<h1>This authorization request is invalid</h1>
<p>${escapeHTML(reason)}</p>
<p><small>You were not sent back to the application because its request could not be trusted.</small></p>`,
  );
}

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHTML(title)}</title><style>${STYLE}</style></head>
<body><main>${main}</main></body></html>
`;
}

/**
 * The home page: "Log in with Agile CRM" (with an account field, for multi-tenant login) and
 * the "Connect with API key" form.
 */
import { html, type SafeHTML } from './html';
import { layout } from './layout';

/** Fixed notices the home page can show; the query string picks one by key, never by text. */
export const NOTICES = {
  'logged-out': 'You have been logged out.',
  'session-ended': 'Your Agile CRM session has ended. Please log in again.',
  'login-required': 'Please log in to see that page.',
} as const;

/** A key of {@link NOTICES}. */
export type NoticeKey = keyof typeof NOTICES;

/** Everything the home page shows. */
export interface HomeView {
  demo: boolean;
  /** Prefilled account name (AGILECRM_DOMAIN, or `demo`). */
  defaultAccount: string;
  csrfToken: string;
  returnTo?: string | undefined;
  notice?: NoticeKey | undefined;
  /** Why the API-key login just failed, with the values to refill. */
  apiKeyError?: { message: string; domain: string; email: string } | undefined;
  /** Name of the user already logged in, if any. */
  signedInAs?: string | undefined;
  /** Credentials of the emulator's seeded account, shown in demo mode only. */
  demoCredentials?: { domain: string; email: string; apiKey: string } | undefined;
}

/** Renders the home page. */
export function homePage(view: HomeView): string {
  const apiKeyDomain = view.apiKeyError?.domain ?? view.defaultAccount;
  const body = html`
    <h1>Connect your Agile CRM account</h1>
    <p class="lead">Log in with Agile CRM, or connect with your email and REST API key.</p>
    ${view.notice ? html`<p class="notice" role="status">${NOTICES[view.notice]}</p>` : ''}
    ${
      view.signedInAs
        ? html`<p class="notice" role="status">
            You are logged in as ${view.signedInAs}. <a href="/profile">Open your profile</a>
          </p>`
        : ''
    }
    <div class="grid">
      <section class="card">
        <h2>Log in with Agile CRM</h2>
        <form method="get" action="/auth/agilecrm">
          ${textField({
            name: 'account',
            label: 'Agile CRM account',
            value: view.defaultAccount,
            autocomplete: 'organization',
            spellcheck: false,
          })}
          <p class="hint">The <code>acme</code> in <code>acme.agilecrm.com</code>.</p>
          ${returnToField(view.returnTo)}
          <button type="submit">Log in with Agile CRM</button>
        </form>
      </section>
      <section class="card">
        <h2>Connect with API key</h2>
        ${
          view.apiKeyError
            ? html`<p class="notice warn" role="alert">${view.apiKeyError.message}</p>`
            : ''
        }
        <form method="post" action="/auth/apikey">
          <input type="hidden" name="_csrf" value="${view.csrfToken}" />
          ${returnToField(view.returnTo)}
          ${textField({
            name: 'domain',
            label: 'Agile CRM account',
            value: apiKeyDomain,
            spellcheck: false,
          })}
          ${textField({
            name: 'email',
            label: 'Login email',
            type: 'email',
            value: view.apiKeyError?.email,
            autocomplete: 'username',
          })}
          <label for="apiKey">REST API key</label>
          <input id="apiKey" name="apiKey" type="password" required autocomplete="off" />
          <p class="hint">Admin Settings → API &amp; Analytics → API Key for REST client.</p>
          <button type="submit">Connect with API key</button>
        </form>
      </section>
    </div>
    ${view.demoCredentials ? demoHint(view.demoCredentials) : ''}
  `;
  return layout({ title: 'Log in', demo: view.demo }, body);
}

/** A required text input and its label; `name` is also the input's id. */
interface TextField {
  name: string;
  label: string;
  type?: 'text' | 'email';
  value: string | undefined;
  autocomplete?: string;
  /** `false` turns spell checking off (account names and keys are not words). */
  spellcheck?: false;
}

function textField(field: TextField): SafeHTML {
  const autocomplete = field.autocomplete ? html` autocomplete="${field.autocomplete}"` : '';
  const spellcheck = field.spellcheck === false ? html` spellcheck="false"` : '';
  return html`<label for="${field.name}">${field.label}</label>
    <input
      id="${field.name}"
      name="${field.name}"
      type="${field.type ?? 'text'}"
      required
      value="${field.value}"
      ${autocomplete}${spellcheck}
    />`;
}

function returnToField(returnTo: string | undefined): SafeHTML | string {
  return returnTo ? html`<input type="hidden" name="returnTo" value="${returnTo}" />` : '';
}

function demoHint(credentials: { domain: string; email: string; apiKey: string }): SafeHTML {
  return html`<section class="card">
    <h2>Demo credentials</h2>
    <p class="hint">
      Demo mode runs a local Agile CRM emulator. Use account <code>${credentials.domain}</code>; for
      the API-key form, email <code>${credentials.email}</code> and key
      <code>${credentials.apiKey}</code>.
    </p>
  </section>`;
}

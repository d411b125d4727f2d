/**
 * The profile page: who is logged in, and one page of their Agile CRM contacts.
 */
import { html, type SafeHTML } from './html';
import { layout } from './layout';

/** One contact row as shown. */
export interface ContactRow {
  name: string;
  email: string;
  tags: string[];
}

/** Everything the profile page shows. */
export interface ProfileView {
  demo: boolean;
  csrfToken: string;
  name: string;
  email?: string | undefined;
  avatarURL?: string | undefined;
  account: string;
  /** How the user logged in. */
  via: 'oauth' | 'apikey';
  contacts: ContactRow[];
  /** Query value for the next page, when there is one. */
  nextCursor?: string | undefined;
  /** Whether this is a later page (so a link back to the first is shown). */
  paged: boolean;
}

/** The logout button: a POST form with the CSRF token. */
export function logoutForm(csrfToken: string): SafeHTML {
  return html`<form class="inline" method="post" action="/logout">
    <input type="hidden" name="_csrf" value="${csrfToken}" />
    <button type="submit" class="secondary">Log out</button>
  </form>`;
}

/** Renders the profile page. */
export function profilePage(view: ProfileView): string {
  const body = html`
    <section class="card profile">
      ${view.avatarURL ? html`<img src="${view.avatarURL}" alt="" width="72" height="72" />` : ''}
      <div>
        <h1>${view.name}</h1>
        <dl>
          <dt>Email</dt>
          <dd>${view.email ?? 'not shared'}</dd>
          <dt>Account</dt>
          <dd>${view.account}.agilecrm.com</dd>
          <dt>Connected</dt>
          <dd>${view.via === 'oauth' ? 'Log in with Agile CRM (OAuth 2.0)' : 'REST API key'}</dd>
        </dl>
      </div>
    </section>
    <section class="card">
      <h2>Contacts</h2>
      ${
        view.contacts.length === 0
          ? html`<p class="hint">No contacts on this page.</p>`
          : contactTable(view.contacts)
      }
      <div class="pager">
        ${view.paged ? html`<a class="button secondary" href="/profile">First page</a>` : ''}
        ${
          view.nextCursor
            ? html`<a
                class="button"
                rel="next"
                href="/profile?cursor=${encodeURIComponent(view.nextCursor)}"
                >Next page</a
              >`
            : ''
        }
      </div>
    </section>
  `;
  return layout(
    { title: view.name, demo: view.demo, headerRight: logoutForm(view.csrfToken) },
    body,
  );
}

function contactTable(contacts: ContactRow[]): SafeHTML {
  return html`<table>
    <thead>
      <tr>
        <th>Name</th>
        <th>Email</th>
        <th>Tags</th>
      </tr>
    </thead>
    <tbody>
      ${contacts.map(
        (c) =>
          html`<tr>
            <td>${c.name}</td>
            <td>${c.email}</td>
            <td>${c.tags.map((t) => html`<span class="tag">${t}</span>`)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The page shell shared by every view.
 */
import { html, type SafeHTML } from './html';

/** What every page needs besides its body. */
export interface PageOptions {
  title: string;
  /** Shown in the header so nobody mistakes the emulator for their real account. */
  demo: boolean;
  /** The header's right-hand side (for example the logout form). */
  headerRight?: SafeHTML | undefined;
}

/** Wraps `body` in the HTML document. */
export function layout(options: PageOptions, body: SafeHTML): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Agile CRM login example</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <header class="top">
          <div class="bar">
            <a class="brand" href="/">Agile CRM login example</a>
            ${options.demo ? html`<span class="demo-badge">Demo mode · local Agile CRM emulator</span>` : ''}
            ${options.headerRight}
          </div>
        </header>
        <main>${body}</main>
      </body>
    </html> `.value;
}

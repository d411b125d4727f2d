/**
 * The friendly error page: what happened in plain words and a way to try again. Never a stack
 * trace or an error's internals.
 */
import { html } from './html';
import { layout } from './layout';

/** What the error page shows. */
export interface ErrorView {
  demo: boolean;
  title: string;
  message: string;
  /** Where "Try again" goes. */
  retryURL: string;
  retryLabel?: string | undefined;
}

/** Renders the error page. */
export function errorPage(view: ErrorView): string {
  const body = html`<section class="card error-page" role="alert">
    <h1>${view.title}</h1>
    <p>${view.message}</p>
    <a class="button" href="${view.retryURL}">${view.retryLabel ?? 'Try again'}</a>
    ${view.retryURL === '/' ? '' : html`<a class="button secondary" href="/">Home</a>`}
  </section>`;
  return layout({ title: view.title, demo: view.demo }, body);
}

/*
 * /setup/secur/RemoteAccessErrorPage.apexp: where the browser lands when an authorization request cannot be sent
 * back to the client (unknown client_id, unregistered redirect_uri, blocked app). Shows the error, escaped.
 */
import { sendHtml, type RequestContext } from '../http/context.js';
import { escapeHtml, page } from './pages.js';

export function errorPage(ctx: RequestContext): void {
  const error = ctx.url.searchParams.get('error') ?? 'unknown_error';
  const description = ctx.url.searchParams.get('error_description') ?? '';
  sendHtml(
    ctx,
    200,
    page(
      'Remote Access Error',
      `<h1>Remote Access Error</h1><p>error=${escapeHtml(error)}</p><p>error_description=${escapeHtml(description)}</p>`,
    ),
  );
}

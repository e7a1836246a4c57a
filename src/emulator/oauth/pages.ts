/*
 * The few HTML pages the emulator serves (login, consent, errors). Everything interpolated is escaped, and no page
 * ever carries a token, secret, code or verifier: forms refer to server-side state by a random handle.
 */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export function page(title: string, body: string): string {
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>' +
    escapeHtml(title) +
    '</title><style>body{font-family:sans-serif;max-width:40em;margin:3em auto}button{margin:.2em}</style></head><body>' +
    `<p><em>Local Salesforce org emulator</em></p>${body}</body></html>`
  );
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

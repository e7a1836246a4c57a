/*
 * A hook for watching the HTTP answers the product's own OAuth requests get (src/oauth/http.ts), without changing how
 * they are made: `sf oauth org check --trace-file` records their shapes. Observers get a clone of each response, so
 * reading its body cannot take it from the caller. Observers must never throw; errors in them are swallowed.
 */

export type HttpExchange = {
  method: string;
  url: string;
  /** A clone of the response (its body is the observer's to read). Absent when no answer came (network failure). */
  response?: Response;
  /** The network failure's code or name when no answer came. */
  failure?: string;
};

export type HttpObserver = (exchange: HttpExchange) => void;

const observers = new Set<HttpObserver>();

/** Registers an observer; returns the function that removes it. */
export function observeHttp(observer: HttpObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Whether anyone watches (so callers clone nothing when nobody does). */
export function httpObserved(): boolean {
  return observers.size > 0;
}

/** Tells every observer about one exchange. */
export function notifyHttp(exchange: Omit<HttpExchange, 'response'> & { response?: Response }): void {
  for (const observer of observers) {
    try {
      observer({ ...exchange, ...(exchange.response ? { response: exchange.response.clone() } : {}) });
    } catch {
      // An observer's failure must never change the request it watched.
    }
  }
}

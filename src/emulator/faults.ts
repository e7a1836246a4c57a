/*
 * Fault injection and the latency model. Tests and benchmarks add rules through the library API; the request
 * dispatcher, the SOAP dispatcher and the token endpoint each ask for the rules of their own stage.
 */
export type FaultStage = 'request' | 'soap' | 'token';

export type FaultMatch = {
  method?: string;
  /** A path prefix, or a pattern tested against the path. */
  path?: string | RegExp;
  /** For stage `soap`: the Metadata API operation (`deploy`, `checkRetrieveStatus`, ...). */
  soapOperation?: string;
  /** For stage `token`: the grant type. */
  grantType?: string;
};

export type FaultAction =
  | { kind: 'http'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'soapFault'; code: string; message: string }
  | { kind: 'oauthError'; status?: number; error: string; description: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

export type FaultRule = {
  match: FaultMatch;
  action: FaultAction;
  /** How many matching requests the rule affects (default: all). */
  times?: number;
  /** How many matching requests pass untouched before the rule starts. */
  after?: number;
  /** Affect only every Nth matching request (the Nth, 2Nth, ...) after `after`; default: each one. */
  every?: number;
};

/** What the next deploys do: fail with a component error, or stay InProgress until cancelled. */
export type DeployFault = { outcome: 'fail' | 'hang'; message?: string; times?: number };

export type LatencyModel = {
  /** Added to every request. */
  requestMs: number;
  /** How long an asynchronous deploy or retrieve stays in progress. */
  asyncJobMs: number;
  /** Added per component to asynchronous jobs. */
  perComponentMs: number;
  /** How long the token endpoint works on one request; concurrent requests for one refresh token overlap within it. */
  tokenMs: number;
};

export const NO_LATENCY: LatencyModel = { requestMs: 0, asyncJobMs: 0, perComponentMs: 0, tokenMs: 0 };

/** Roughly what a sandbox answers with, for benchmarks (see bench/README). */
export const SANDBOX_LATENCY: LatencyModel = { requestMs: 120, asyncJobMs: 2000, perComponentMs: 4, tokenMs: 80 };

type LiveRule = FaultRule & { id: number; seen: number; fired: number; stage: FaultStage };

export class Faults {
  private rules: LiveRule[] = [];
  private deployFaults: Array<DeployFault & { used: number }> = [];
  private nextId = 1;

  public add(rule: FaultRule, stage: FaultStage = inferStage(rule.match)): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, seen: 0, fired: 0, stage });
    return id;
  }

  public remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  public clear(): void {
    this.rules = [];
    this.deployFaults = [];
  }

  public failDeploys(fault: DeployFault): void {
    this.deployFaults.push({ ...fault, used: 0 });
  }

  /** The deploy fault that applies to the next deploy, if any (consumed). */
  public takeDeployFault(): DeployFault | undefined {
    const fault = this.deployFaults.find((f) => f.times === undefined || f.used < f.times);
    if (fault) fault.used++;
    return fault;
  }

  /** The action of the first rule of this stage that matches, if any; counts the request against the rule. */
  public take(
    stage: FaultStage,
    req: { method: string; path: string; soapOperation?: string; grantType?: string },
  ): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.stage !== stage || !matches(rule.match, req)) continue;
      rule.seen++;
      if (rule.after !== undefined && rule.seen <= rule.after) continue;
      if (rule.every !== undefined && rule.every > 1 && (rule.seen - (rule.after ?? 0)) % rule.every !== 0) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      rule.fired++;
      return rule.action;
    }
    return undefined;
  }
}

function inferStage(match: FaultMatch): FaultStage {
  if (match.soapOperation) return 'soap';
  if (match.grantType) return 'token';
  return 'request';
}

function matches(
  m: FaultMatch,
  req: { method: string; path: string; soapOperation?: string; grantType?: string },
): boolean {
  if (m.method && m.method.toUpperCase() !== req.method) return false;
  if (typeof m.path === 'string' && !req.path.startsWith(m.path)) return false;
  if (m.path instanceof RegExp && !m.path.test(req.path)) return false;
  if (m.soapOperation && m.soapOperation !== req.soapOperation) return false;
  if (m.grantType && m.grantType !== req.grantType) return false;
  return true;
}

/**
 * An outage page as Salesforce serves one during maintenance or an incident (HTML, HTTP 503 by default;
 * forcedotcom/EMP-Connector#84 shows the "down for maintenance" page coming back to an API login).
 */
export function outagePage(status = 503, retryAfterSeconds?: number): FaultAction {
  const body =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><html><head><title>Service Unavailable</title></head>' +
    "<body><center><b>We are down for maintenance.</b><br>Sorry for the inconvenience. We'll be back shortly.</center></body></html>";
  return {
    kind: 'http',
    status,
    body,
    contentType: 'text/html;charset=UTF-8',
    headers: retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) },
  };
}

/**
 * A rate limit answered HTTP 429 with a JSON body that looks like an OAuth error (our guess at its shape): a client
 * must retry it, never judge it.
 */
export function rateLimited(retryAfterSeconds?: number): FaultAction {
  return {
    kind: 'http',
    status: 429,
    body: JSON.stringify({ error: 'rate_limit_exceeded', error_description: 'too many requests, retry later' }),
    contentType: 'application/json;charset=UTF-8',
    headers: retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * OrgEmulator: a local Salesforce org on 127.0.0.1. It wires the store, the fault rules and the endpoint modules
 * (OAuth, REST, Metadata SOAP) to one HTTP server. The same class backs `sf oauth emulator start` and the tests.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { OrgStore, type Clock } from './store/store.js';
import { readStateFile, writeStateFile } from './store/persist.js';
import type { OrgState } from './store/state.js';
import { Faults, NO_LATENCY, sleep, type LatencyModel } from './faults.js';
import { createContext, HttpError, sendJson, type RequestContext } from './http/context.js';
import { applyFault } from './http/fault-response.js';
import { Router } from './http/router.js';
import type { EmulatorServices } from './services.js';
import { oauthClients } from './clients.js';
import { buildState, type SeedSecrets } from './seed/build.js';
import { DEFAULT_SEED } from './seed/default.js';
import type { OrgSeed } from './seed/types.js';
import { registerRestRoutes } from './rest/routes.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { registerMetadataRoutes } from './metadata/routes.js';
import { ConformanceRecorder } from './conformance/recorder.js';
import { applyRehearsal, type RehearsalOptions } from './conformance/rehearsal.js';
import { evaluate, type ConformanceReport } from './conformance/requirements.js';
import { registerConformanceRoutes } from './conformance/route.js';
import type { ConformanceOptions } from './conformance/types.js';
import { resolveBehaviours, type Behaviours } from './behaviours.js';

export const DEFAULT_PORT = 6545;
export const HOST = '127.0.0.1';

export type EmulatorOptions = {
  /** 0 (the default for the library) picks a free port. */
  port?: number;
  seed?: OrgSeed;
  /** Persist the org here (atomic writes); an existing file is loaded instead of the seed. */
  stateFile?: string;
  latency?: Partial<LatencyModel>;
  clock?: Clock;
  /** Called for each request with method, path (never the query, which may carry codes) and status. */
  onRequest?: (event: RequestEvent) => void;
  /** Thresholds of the client conformance recorder (race window, minimum backoff). */
  conformance?: ConformanceOptions;
  /** The stricter rehearsal mode: short sessions, injected busy and transient refresh errors. */
  rehearsal?: RehearsalOptions;
  /** Which of Salesforce's known behaviours to show where evidence is thin (defaults: the most likely; behaviours.ts). */
  behaviours?: Partial<Behaviours>;
};

export type RequestEvent = { method: string; path: string; status: number; ms: number; kind: string };

export type EmulatorStats = { requests: number; byKind: Record<string, number> };

export class OrgEmulator {
  public readonly faults = new Faults();
  public readonly latency: LatencyModel;
  public readonly stats: EmulatorStats = { requests: 0, byKind: {} };
  public readonly services: EmulatorServices;
  private readonly router = new Router();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private port = 0;

  private constructor(
    public readonly store: OrgStore,
    public readonly secrets: SeedSecrets,
    private readonly options: EmulatorOptions,
  ) {
    this.latency = { ...NO_LATENCY, ...options.latency };
    this.services = {
      store,
      faults: this.faults,
      latency: this.latency,
      instanceUrl: (): string => this.url,
      count: (kind): void => {
        this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
      },
      conformance: new ConformanceRecorder(store, options.conformance),
      behaviours: resolveBehaviours(options.behaviours),
    };
    if (options.rehearsal) applyRehearsal(this, options.rehearsal);
    registerConformanceRoutes(this.router, this.services);
    registerOAuthRoutes(this.router, this.services);
    registerRestRoutes(this.router, this.services);
    registerMetadataRoutes(this.router, this.services);
  }

  public get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  /** Starts an org: from the state file when it exists, else from the seed (default: the documented sandbox org). */
  public static async start(options: EmulatorOptions = {}): Promise<OrgEmulator> {
    const clock = options.clock ?? Date.now;
    let state: OrgState | undefined = options.stateFile ? await readStateFile(options.stateFile) : undefined;
    let secrets: SeedSecrets = { consumerSecrets: {}, passwords: {} };
    if (!state) {
      ({ state, secrets } = buildState(options.seed ?? DEFAULT_SEED, clock()));
      if (options.stateFile) await writeStateFile(options.stateFile, state);
    }
    const emulator = new OrgEmulator(new OrgStore(state, clock, options.stateFile), secrets, options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  /** What each OAuth client did so far, as pass, fail, advice or not exercised per requirement (also GET /_emulator/conformance). */
  public conformanceReport(clientIds?: string[]): ConformanceReport {
    return evaluate(this.services.conformance.log, { now: this.store.nowIso(), clientIds });
  }

  /** The consumer secret the seed generated or set for an app (tests and the demo only; never printed). */
  public consumerSecret(appName: string): string | undefined {
    return this.secrets.consumerSecrets[appName];
  }

  /**
   * Records that a user (default: the admin) already approved every app on the consent page, as a person who clicked
   * Allow once per app would have; pre-authorized apps need no approval. A self-authorized app's approval is also its
   * OauthToken row, as on Salesforce (one, however often this runs): it counts toward the user's five approvals of the
   * app, and `sf oauth org check` sees it. Returns how many approvals were added.
   */
  public preApprove(username?: string): number {
    const user = username ? this.store.userByUsername(username) : this.store.adminUser();
    if (!user) throw new Error(`No user ${username ?? ''} in the emulated org.`);
    let added = 0;
    for (const client of oauthClients(this.store).values()) {
      const selfAuthorized = !client.adminApprovedOnly && client.kind !== 'FirstParty';
      if (selfAuthorized && !this.store.approvalsOf(user.id, client.clientId, client.label).length)
        this.store.recordApproval(client.clientId, client.label, user.id, client.scopes);
      if (this.store.hasApproved(user.id, client.clientId)) continue;
      this.store.approve(user.id, client.clientId);
      added++;
    }
    return added;
  }

  /** The client id of the first-party sf CLI app (`PlatformCLI` in the default org). */
  public cliClientId(): string {
    return this.store.state.builtinClients[0]?.clientId ?? 'PlatformCLI';
  }

  /** Mints an access token for a user (default: the admin) through the first-party CLI client. */
  public accessTokenFor(username?: string): string {
    const user = username ? this.store.userByUsername(username) : this.store.adminUser();
    if (!user) throw new Error(`No user ${username ?? ''} in the emulated org.`);
    return this.store.issueAccessToken(user.id, this.cliClientId(), ['api', 'web', 'refresh_token']);
  }

  /** An approval for the sf CLI's first-party client: access and refresh token, as `sf org login web` would get. */
  public authorizeCli(username?: string): { accessToken: string; refreshToken: string; username: string } {
    const user = username ? this.store.userByUsername(username) : this.store.adminUser();
    if (!user) throw new Error(`No user ${username ?? ''} in the emulated org.`);
    const builtin = this.store.state.builtinClients[0] ?? { clientId: 'PlatformCLI', appName: 'Salesforce CLI' };
    const scopes = ['api', 'web', 'refresh_token'];
    const { grant, refreshToken } = this.store.createGrant(builtin.clientId, builtin.appName, user.id, scopes);
    const accessToken = this.store.issueAccessToken(user.id, builtin.clientId, scopes, grant.id);
    return { accessToken, refreshToken, username: user.username };
  }

  public async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of this.sockets) socket.destroy();
      });
    }
    await this.store.flush();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      void this.dispatch(createContext(req, res, `http://${HOST}`));
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
  }

  private async dispatch(ctx: RequestContext): Promise<void> {
    const started = Date.now();
    const kind = requestKind(ctx.path);
    this.stats.requests++;
    this.services.count(kind);
    try {
      if (this.latency.requestMs > 0) await sleep(this.latency.requestMs);
      // The emulator's own endpoints are never subject to injected faults.
      const fault = ctx.path.startsWith('/_emulator/')
        ? undefined
        : this.faults.take('request', { method: ctx.method, path: ctx.path });
      if (fault && (await applyFault(ctx, fault))) return;
      const handler = this.router.match(ctx);
      if (!handler) {
        sendJson(ctx, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
        return;
      }
      await handler(ctx);
    } catch (e) {
      if (ctx.res.headersSent) {
        ctx.res.end();
      } else if (e instanceof HttpError) {
        sendJson(ctx, e.status, [
          { errorCode: e.status === 401 ? 'INVALID_SESSION_ID' : 'BAD_REQUEST', message: e.message },
        ]);
      } else {
        sendJson(ctx, 500, [
          { errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred in the emulator.' },
        ]);
      }
    } finally {
      this.options.onRequest?.({
        method: ctx.method,
        path: ctx.path,
        status: ctx.res.statusCode,
        ms: Date.now() - started,
        kind,
      });
    }
  }
}

function requestKind(path: string): string {
  if (path.startsWith('/services/oauth2') || path.startsWith('/secur/') || path.startsWith('/id/')) return 'oauth';
  if (path.startsWith('/services/Soap/m/')) return 'soap';
  if (path.startsWith('/services/data')) return 'rest';
  return 'other';
}

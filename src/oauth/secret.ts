/*
 * A consumer secret held in memory only: it never serializes (toJSON, toString, util.inspect all give a placeholder),
 * so a secret that ends up in a result object, an error or a log line by mistake still does not leak.
 */
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  public constructor(value: string) {
    this.#value = value;
  }

  public reveal(): string {
    return this.#value;
  }

  // eslint-disable-next-line class-methods-use-this -- every secret serializes alike: never its value
  public toJSON(): string {
    return '[secret]';
  }

  // eslint-disable-next-line class-methods-use-this -- every secret prints alike: never its value
  public toString(): string {
    return '[secret]';
  }

  // eslint-disable-next-line class-methods-use-this -- every secret inspects alike: never its value
  public [inspect.custom](): string {
    return '[secret]';
  }
}

/** `SF_OAUTH_CLIENT_SECRET_<APP NAME IN CAPITALS, other characters as _>`. */
export function secretEnvName(app: string): string {
  return `SF_OAUTH_CLIENT_SECRET_${app.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export const GENERIC_SECRET_ENV = 'SF_OAUTH_CLIENT_SECRET';

/**
 * The app's secret from the environment: the per-app variable, else SF_OAUTH_CLIENT_SECRET when only one app is tested
 * (a single variable cannot be right for several confidential apps).
 */
export function secretFromEnv(
  app: string,
  appsInRun: number,
  env: NodeJS.ProcessEnv = process.env,
): { secret: Secret; from: string } | undefined {
  const own = env[secretEnvName(app)];
  if (own) return { secret: new Secret(own), from: secretEnvName(app) };
  const generic = env[GENERIC_SECRET_ENV];
  if (generic && appsInRun === 1) return { secret: new Secret(generic), from: GENERIC_SECRET_ENV };
  return undefined;
}

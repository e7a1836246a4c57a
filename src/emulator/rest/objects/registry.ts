/*
 * Every sObject the emulator serves, and lookups by API (REST data or Tooling) and case-insensitive name.
 */
import { AppMenuItem, ConnectedApplication, ExternalClientApplication, OauthToken } from './apps.js';
import { ExtlClntAppOauthSettings } from './eca-oauth.js';
import { Organization, PermissionSet, PermissionSetAssignment, Profile, User } from './org.js';
import { InstalledSubscriberPackage, SubscriberPackage, SubscriberPackageVersion } from './packages.js';
import type { Api, ObjectDef } from './types.js';

export const OBJECTS: readonly ObjectDef[] = [
  Organization,
  User,
  Profile,
  PermissionSet,
  PermissionSetAssignment,
  OauthToken,
  ConnectedApplication,
  ExternalClientApplication,
  ExtlClntAppOauthSettings,
  AppMenuItem,
  InstalledSubscriberPackage,
  SubscriberPackage,
  SubscriberPackageVersion,
];

/** The object named `name` (any case) that `api` serves at `version`, or undefined. */
export function objectFor(api: Api, name: string, version: number): ObjectDef | undefined {
  const wanted = name.toLowerCase();
  return OBJECTS.find((o) => o.name.toLowerCase() === wanted && o.apis.includes(api) && version >= (o.minVersion ?? 0));
}

/** Any object by exact canonical name, for relationship targets (which may live in the other API). */
export function objectNamed(name: string): ObjectDef | undefined {
  return OBJECTS.find((o) => o.name === name);
}

export function objectsFor(api: Api, version: number): ObjectDef[] {
  return OBJECTS.filter((o) => o.apis.includes(api) && version >= (o.minVersion ?? 0));
}

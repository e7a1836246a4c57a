/*
 * Every Salesforce message the Metadata API emulation sends, in one place. Each carries its evidence: [real] seen in
 * an org's answer or a public report of one, [code] read in a client that parses it, UNVERIFIED chosen here.
 */

/** [real] (sf-plugin-conventions §13; jsforce refreshes the token on this fault code). */
export const INVALID_SESSION = {
  code: 'INVALID_SESSION_ID',
  message: 'Invalid Session ID found in SessionHeader: Illegal Session',
};

/** UNVERIFIED: a real org answers an unknown operation with a generic SOAP client fault. */
export const unknownOperation = (operation: string): { code: string; message: string } => ({
  code: 'INVALID_OPERATION',
  message: `No operation available for request {http://soap.sforce.com/2006/04/metadata}${operation}`,
});

/** UNVERIFIED (the fault code is real for unknown async ids; the text is chosen here). */
export const unknownAsyncId = (id: string): { code: string; message: string } => ({
  code: 'INVALID_CROSS_REFERENCE_KEY',
  message: `invalid cross reference id: ${id}`,
});

/** UNVERIFIED: a request the emulator cannot read at all. */
export const malformedRequest = (detail: string): { code: string; message: string } => ({
  code: 'INVALID_SOAP_REQUEST',
  message: `Could not read the SOAP request: ${detail}`,
});

/** UNVERIFIED (wording as recalled from real orgs; no source checked): deploy of a zip without a manifest. */
export const NO_PACKAGE_XML = 'No package.xml found';

/** UNVERIFIED: a zip that cannot be opened. */
export const BAD_ZIP = 'The zip file could not be read';

/** UNVERIFIED (wording as recalled from real orgs; no source checked): a package.xml type the org does not know. */
export const unknownTypeInPackage = (type: string): string => `Unknown type name '${type}' specified in package.xml`;

/** UNVERIFIED (wording as recalled from real orgs; no source checked): a package.xml member without a file. */
export const memberWithoutFile = (type: string, name: string): string =>
  `An object '${name}' of type ${type} was named in package.xml, but was not found in zipped directory`;

/** UNVERIFIED: the emulator serves only the OAuth-related types; anything else fails as a component. */
export const unsupportedFile = (fileName: string): string =>
  `The metadata type of ${fileName} is not supported by the local org emulator`;

/** UNVERIFIED: a file whose root element is not its type's. */
export const wrongRoot = (root: string, type: string): string => `Expected root element ${type}, found ${root}`;

/** [real] (salesforce-metadata.md §8.8, forcedotcom/devops-center-feedback#256). */
export const CONSUMER_KEY_TAKEN = 'The consumer key is already taken';

/**
 * [real] A Connected App deploy that provides `consumerKey` for an app the org already has (SFDO-Tooling/CumulusCI#2943,
 * trailheadapps/ready-to-fly#29; forcedotcom/cli#336 names the workaround: remove the element).
 */
export const CONSUMER_KEY_PROVIDED = 'You cannot provide a Consumer Key';

/** UNVERIFIED: the consumer key is settable only on create (doc); the error text is chosen here. */
export const CONSUMER_KEY_IMMUTABLE = 'The consumer key cannot be changed once the app exists';

/** UNVERIFIED: the doc says a secret used by another app errors; the text is chosen here. */
export const CONSUMER_SECRET_TAKEN = 'The consumer secret is already used by another app in this org';

/** UNVERIFIED: modelled on `Cannot modify managed object: entity=…, component=…, field=…, state=installed`. */
export const managedComponent = (type: string, fullName: string, namespace: string): string =>
  `Cannot modify managed object: entity=${type}, component=${fullName}, namespace=${namespace}, state=installed`;

/** UNVERIFIED: an ECA sub-component whose app is neither in the org nor in the deploy. */
export const missingExternalClientApp = (type: string, app: string): string =>
  app
    ? `${type}: no ExternalClientApplication named ${app} exists in the org or in this deployment`
    : `${type}: Required field is missing: externalClientApplication`;

/**
 * UNVERIFIED (exact Salesforce text unknown; the permission names are [doc], salesforce-metadata.md §8.1). One template
 * for deploy and retrieve of ExtlClntAppGlobalOauthSettings and ExtlClntAppOauthSettings.
 */
export const consumerSecretPermission = (type: string): string =>
  `You cannot access ${type} through the Metadata API. Ask your admin to turn on the org permission ` +
  '"Allow Access to OAuth Consumer Secrets via Metadata API" and to assign you the user permission ' +
  '"View External Client Apps Consumer Secrets in Metadata".';

/** [code] SDR reads type and name from the two quoted parts of this retrieve message. */
export const entityNotFound = (type: string, name: string): string =>
  `Entity of type '${type}' named '${name}' cannot be found`;

/** [code] SDR treats this warning as "component not found" for destructive changes. */
export const noComponentToDelete = (type: string, name: string): string => `No ${type} named: ${name} found`;

/** UNVERIFIED: an injected deploy fault without its own message. */
export const INJECTED_DEPLOY_FAILURE =
  'An unexpected error occurred. Please include this ErrorId if you contact support.';

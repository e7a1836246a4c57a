/** What kind of OAuth client an app is: a metadata type, or a first-party Salesforce client outside the metadata. */
export type ClientKind = 'ConnectedApp' | 'ExternalClientApplication' | 'FirstParty';

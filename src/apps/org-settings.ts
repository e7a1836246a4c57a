/*
 * The org-wide OAuth settings shown in the inventory header, from the retrieved `OauthOidc` settings file
 * (OauthOidcSettings): Require PKCE, the username-password and user-agent flow blocks, and the code-credential flow.
 */
import { readLeaf } from '../metadata/flag-edit.js';
import type { RetrievedFile } from '../metadata/retrieve.js';
import type { OrgOAuthSettings } from './model.js';

/** The org's answer, or all-unknown when the file was not returned. Absent elements take their documented default (false). */
export function readOrgSettings(file: RetrievedFile | undefined): OrgOAuthSettings {
  if (!file)
    return {
      requirePkce: null,
      usernamePasswordFlowBlocked: null,
      userAgentFlowBlocked: null,
      codeCredentialFlowAllowed: null,
    };
  const flag = (element: string): boolean | null => {
    try {
      return (readLeaf(file.xml, [], element) ?? 'false').trim().toLowerCase() === 'true';
    } catch {
      return null;
    }
  };
  return {
    requirePkce: flag('isPkceRequired'),
    usernamePasswordFlowBlocked: flag('blockOAuthUnPwFlow'),
    userAgentFlowBlocked: flag('blockOAuthUsrAgtFlow'),
    codeCredentialFlowAllowed: flag('oAuthCdCrdtFlowEnable'),
  };
}

/*
 * Organization, User, Profile, PermissionSet and PermissionSetAssignment, derived from the store's org and users.
 * Profiles and permission sets have no records of their own in the store: they are the names users carry, with ids
 * that stay stable as long as users are only added.
 */
import { makeId } from '../../store/ids.js';
import {
  auditFields,
  field,
  idField,
  ref,
  type DataContext,
  type FieldDef,
  type ObjectDef,
  type Row,
} from './types.js';

/** Profiles every org has, so queries by name find them even when no seeded user holds them. */
const STANDARD_PROFILES = ['System Administrator', 'Standard User', 'Minimum Access - Salesforce', 'Read Only'];

/**
 * The user permissions `sf oauth org check` reads (Profile and PermissionSet `Permissions*` fields, as in the API): the
 * System Administrator profile holds them all, every other profile and permission set none of them.
 */
const PERMISSION_FIELDS = [
  'PermissionsApiEnabled',
  'PermissionsViewSetup',
  'PermissionsCustomizeApplication',
  'PermissionsModifyMetadata',
  'PermissionsModifyAllData',
];
const permissionFields = (): FieldDef[] => PERMISSION_FIELDS.map((name) => field(name, 'boolean', { nillable: false }));
const permissionValues = (granted: boolean): Row =>
  Object.fromEntries(PERMISSION_FIELDS.map((name) => [name, granted]));

function adminId(ctx: DataContext): string {
  return ctx.services.store.adminUser().id;
}

export const Organization: ObjectDef = {
  name: 'Organization',
  label: 'Organization',
  labelPlural: 'Organizations',
  keyPrefix: '00D',
  apis: ['rest', 'tooling'],
  fields: [
    idField('Organization ID'),
    field('Name', 'string', { nillable: false }),
    field('InstanceName', 'string'),
    field('IsSandbox', 'boolean'),
    field('TrialExpirationDate', 'datetime'),
    field('NamespacePrefix', 'string'),
    field('OrganizationType', 'picklist', { label: 'Edition' }),
    field('LanguageLocaleKey', 'picklist', { label: 'Language', nillable: false }),
    field('DefaultLocaleSidKey', 'picklist', { label: 'Locale', nillable: false }),
    field('TimeZoneSidKey', 'picklist', { label: 'Time Zone', nillable: false }),
    ...auditFields(),
  ],
  rows(ctx) {
    const org = ctx.services.store.state.org;
    return [
      {
        Id: org.id,
        Name: org.name,
        InstanceName: org.instanceName,
        IsSandbox: org.isSandbox,
        TrialExpirationDate: null,
        NamespacePrefix: org.namespacePrefix,
        OrganizationType: org.organizationType,
        LanguageLocaleKey: 'en_US',
        DefaultLocaleSidKey: 'en_US',
        // Date literals (TODAY, LAST_N_DAYS:n) are computed in UTC, so the org says so.
        TimeZoneSidKey: 'GMT',
        CreatedDate: org.createdDate,
        CreatedById: adminId(ctx),
        LastModifiedDate: org.createdDate,
        LastModifiedById: adminId(ctx),
      },
    ];
  },
};

function profileNames(ctx: DataContext): string[] {
  const names = [...STANDARD_PROFILES];
  for (const u of ctx.services.store.state.users) if (!names.includes(u.profileName)) names.push(u.profileName);
  return names;
}

function profileId(ctx: DataContext, name: string): string {
  return makeId('00e', profileNames(ctx).indexOf(name) + 1);
}

function permissionSetNames(ctx: DataContext): string[] {
  const names: string[] = [];
  for (const u of ctx.services.store.state.users)
    for (const p of u.permissionSets) if (!names.includes(p)) names.push(p);
  return names;
}

export const User: ObjectDef = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  apis: ['rest', 'tooling'],
  fields: [
    idField('User ID'),
    field('Username', 'string', { nillable: false }),
    field('Name', 'string', { label: 'Full Name', nillable: false }),
    field('FirstName', 'string'),
    field('LastName', 'string', { nillable: false }),
    field('Email', 'email', { nillable: false }),
    field('Alias', 'string', { nillable: false }),
    field('IsActive', 'boolean', { label: 'Active' }),
    field('UserType', 'picklist', { label: 'User Type' }),
    ref('ProfileId', 'Profile'),
    field('LastLoginDate', 'datetime'),
    ...auditFields(),
  ],
  rows(ctx) {
    const { org, users } = ctx.services.store.state;
    return users.map((u): Row => ({
      Id: u.id,
      Username: u.username,
      Name: `${u.firstName} ${u.lastName}`.trim(),
      FirstName: u.firstName,
      LastName: u.lastName,
      Email: u.email,
      Alias: u.alias,
      IsActive: u.isActive,
      UserType: u.userType,
      ProfileId: profileId(ctx, u.profileName),
      LastLoginDate: null,
      CreatedDate: org.createdDate,
      CreatedById: adminId(ctx),
      LastModifiedDate: org.createdDate,
      LastModifiedById: adminId(ctx),
    }));
  },
};

export const Profile: ObjectDef = {
  name: 'Profile',
  label: 'Profile',
  labelPlural: 'Profiles',
  keyPrefix: '00e',
  apis: ['rest', 'tooling'],
  fields: [
    idField('Profile ID'),
    field('Name', 'string', { nillable: false }),
    field('Description', 'string'),
    field('UserType', 'picklist', { label: 'User Type' }),
    ...permissionFields(),
    ...auditFields(),
  ],
  rows(ctx) {
    const { org, users } = ctx.services.store.state;
    return profileNames(ctx).map((name, i) => ({
      Id: makeId('00e', i + 1),
      Name: name,
      Description: null,
      UserType: users.find((u) => u.profileName === name)?.userType ?? 'Standard',
      ...permissionValues(name === 'System Administrator'),
      CreatedDate: org.createdDate,
      CreatedById: adminId(ctx),
      LastModifiedDate: org.createdDate,
      LastModifiedById: adminId(ctx),
    }));
  },
};

export const PermissionSet: ObjectDef = {
  name: 'PermissionSet',
  label: 'Permission Set',
  labelPlural: 'Permission Sets',
  keyPrefix: '0PS',
  apis: ['rest', 'tooling'],
  fields: [
    idField('Permission Set ID'),
    field('Name', 'string', { nillable: false }),
    field('Label', 'string', { nillable: false }),
    field('NamespacePrefix', 'string'),
    field('IsOwnedByProfile', 'boolean'),
    field('IsCustom', 'boolean'),
    ref('ProfileId', 'Profile'),
    ...permissionFields(),
    ...auditFields(),
  ],
  rows(ctx) {
    const org = ctx.services.store.state.org;
    return permissionSetNames(ctx).map((name, i) => ({
      Id: makeId('0PS', i + 1),
      Name: name,
      Label: name.replace(/_/g, ' '),
      NamespacePrefix: /^([A-Za-z0-9]+)__/.exec(name)?.[1] ?? null,
      IsOwnedByProfile: false,
      IsCustom: true,
      ProfileId: null,
      ...permissionValues(false),
      CreatedDate: org.createdDate,
      CreatedById: adminId(ctx),
      LastModifiedDate: org.createdDate,
      LastModifiedById: adminId(ctx),
    }));
  },
};

export const PermissionSetAssignment: ObjectDef = {
  name: 'PermissionSetAssignment',
  label: 'Permission Set Assignment',
  labelPlural: 'Permission Set Assignments',
  keyPrefix: '0Pa',
  apis: ['rest'],
  fields: [
    idField('Permission Set Assignment ID'),
    ref('AssigneeId', 'User', { relationshipName: 'Assignee' }),
    ref('PermissionSetId', 'PermissionSet'),
    field('IsActive', 'boolean'),
  ],
  rows(ctx) {
    const sets = permissionSetNames(ctx);
    const out: Row[] = [];
    for (const u of ctx.services.store.state.users) {
      for (const p of u.permissionSets) {
        out.push({
          Id: makeId('0Pa', out.length + 1),
          AssigneeId: u.id,
          PermissionSetId: makeId('0PS', sets.indexOf(p) + 1),
          IsActive: u.isActive,
        });
      }
    }
    return out;
  },
};

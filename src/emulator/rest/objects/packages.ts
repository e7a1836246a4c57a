/*
 * Tooling API package objects: InstalledSubscriberPackage (one per installed package) and the SubscriberPackage /
 * SubscriberPackageVersion records it points to. Salesforce exposes a package's publisher on SubscriberPackageVersion
 * (PublisherName, and AppExchangePublisherName for the AppExchange listing); SubscriberPackage has no publisher field.
 */
import type { InstalledPackage } from '../../store/state.js';
import { field, idField, ref, type ObjectDef, type Row } from './types.js';

function versionParts(p: InstalledPackage): number[] {
  const parts = p.versionNumber.split('.').map((n) => Number(n) || 0);
  while (parts.length < 4) parts.push(0);
  return parts;
}

export const InstalledSubscriberPackage: ObjectDef = {
  name: 'InstalledSubscriberPackage',
  label: 'Installed Package',
  labelPlural: 'Installed Packages',
  keyPrefix: '0A3',
  apis: ['tooling'],
  fields: [
    idField('Installed Subscriber Package ID'),
    ref('MinPackageVersionId', 'SubscriberPackageVersion', { relationshipName: 'MinPackageVersion' }),
    ref('SubscriberPackageId', 'SubscriberPackage'),
    ref('SubscriberPackageVersionId', 'SubscriberPackageVersion'),
  ],
  rows(ctx) {
    return ctx.services.store.state.packages.map((p) => ({
      Id: p.id,
      MinPackageVersionId: p.subscriberPackageVersionId,
      SubscriberPackageId: p.subscriberPackageId,
      SubscriberPackageVersionId: p.subscriberPackageVersionId,
    }));
  },
};

export const SubscriberPackage: ObjectDef = {
  name: 'SubscriberPackage',
  label: 'Subscriber Package',
  labelPlural: 'Subscriber Packages',
  keyPrefix: '033',
  apis: ['tooling'],
  fields: [
    idField('Subscriber Package ID'),
    field('Name', 'string', { nillable: false }),
    field('NamespacePrefix', 'string'),
    field('Description', 'string'),
    field('IsPackageValid', 'boolean'),
  ],
  rows(ctx) {
    return ctx.services.store.state.packages.map((p) => ({
      Id: p.subscriberPackageId,
      Name: p.name,
      NamespacePrefix: p.namespace,
      Description: null,
      IsPackageValid: true,
    }));
  },
};

export const SubscriberPackageVersion: ObjectDef = {
  name: 'SubscriberPackageVersion',
  label: 'Subscriber Package Version',
  labelPlural: 'Subscriber Package Versions',
  keyPrefix: '04t',
  apis: ['tooling'],
  fields: [
    idField('Subscriber Package Version ID'),
    ref('SubscriberPackageId', 'SubscriberPackage'),
    field('Name', 'string', { nillable: false }),
    field('Description', 'string'),
    field('PublisherName', 'string'),
    field('AppExchangePublisherName', 'string'),
    field('AppExchangePackageName', 'string'),
    field('MajorVersion', 'int'),
    field('MinorVersion', 'int'),
    field('PatchVersion', 'int'),
    field('BuildNumber', 'int'),
    field('ReleaseState', 'string'),
    field('IsManaged', 'boolean'),
    field('IsBeta', 'boolean'),
    field('IsDeprecated', 'boolean'),
    field('IsPasswordProtected', 'boolean'),
    field('IsSecurityReviewed', 'boolean'),
    field('IsOrgDependent', 'boolean'),
    field('Package2ContainerOptions', 'picklist'),
  ],
  rows(ctx) {
    return ctx.services.store.state.packages.map((p): Row => {
      const [major, minor, patch, build] = versionParts(p);
      return {
        Id: p.subscriberPackageVersionId,
        SubscriberPackageId: p.subscriberPackageId,
        Name: p.versionName,
        Description: null,
        PublisherName: p.publisher,
        AppExchangePublisherName: p.publisher,
        AppExchangePackageName: p.name,
        MajorVersion: major,
        MinorVersion: minor,
        PatchVersion: patch,
        BuildNumber: build,
        ReleaseState: 'Released',
        IsManaged: true,
        IsBeta: false,
        IsDeprecated: false,
        IsPasswordProtected: false,
        IsSecurityReviewed: true,
        IsOrgDependent: false,
        Package2ContainerOptions: 'Managed',
      };
    });
  },
};

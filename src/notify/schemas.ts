import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import type { QuerySpec } from '../query/types.js';

// Subscription and notification-record shapes, shared by the HTTP views (request/response
// schemas) and the domain (types, SOL013 query specs). Field names are the specs' own.

export const LCM_NOTIFICATION_TYPES = ['VnfLcmOperationOccurrenceNotification', 'VnfIdentifierCreationNotification', 'VnfIdentifierDeletionNotification'] as const;
// SOL003 v3.3.1 5.5.4.5 LcmOperationType (the v2 request schema's enum).
export const LCM_OPERATION_TYPES = [
  'INSTANTIATE', 'SCALE', 'SCALE_TO_LEVEL', 'CHANGE_FLAVOUR', 'TERMINATE', 'HEAL', 'OPERATE',
  'CHANGE_EXT_CONN', 'MODIFY_INFO', 'CREATE_SNAPSHOT', 'REVERT_TO_SNAPSHOT', 'CHANGE_VNFPKG',
] as const;
export const LCM_OPERATION_STATES = ['STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK'] as const;
export const PKG_NOTIFICATION_TYPES = ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification'] as const;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v))) as TUnion<TLiteral<T>[]>;
const strings = (opts: object = {}) => Type.Array(Type.String({ minLength: 1 }), opts);
// Unknown filter attributes are refused (a misspelt attribute would silently widen the filter
// to "everything"); Tacker-style numeric versions are accepted and stored as strings.
const closed = { additionalProperties: false } as const;
const Version = Type.Union([Type.String({ minLength: 1 }), Type.Number()]);

// SOL003 v3.3.1 4.4.1.2 / SOL005 4.4.1.2 VnfProductsFromProviders (nested products and versions).
export const VnfProductsFromProviders = Type.Array(
  Type.Object(
    {
      vnfProvider: Type.String({ minLength: 1 }),
      vnfProducts: Type.Optional(
        Type.Array(
          Type.Object(
            {
              vnfProductName: Type.String({ minLength: 1 }),
              versions: Type.Optional(
                Type.Array(Type.Object({ vnfSoftwareVersion: Version, vnfdVersions: Type.Optional(Type.Array(Version)) }, closed)),
              ),
            },
            closed,
          ),
        ),
      ),
    },
    closed,
  ),
);

// SOL003 v3.3.1 5.5.3.12 LifecycleChangeNotificationsFilter.
export const LifecycleChangeNotificationsFilter = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(
      Type.Object(
        { vnfdIds: Type.Optional(strings()), vnfProductsFromProviders: Type.Optional(VnfProductsFromProviders), vnfInstanceIds: Type.Optional(strings()), vnfInstanceNames: Type.Optional(strings()) },
        closed,
      ),
    ),
    notificationTypes: Type.Optional(Type.Array(literals(LCM_NOTIFICATION_TYPES))),
    operationTypes: Type.Optional(Type.Array(literals(LCM_OPERATION_TYPES))),
    operationStates: Type.Optional(Type.Array(literals(LCM_OPERATION_STATES))),
  },
  closed,
);
export type LcmFilter = Static<typeof LifecycleChangeNotificationsFilter>;

// SOL005 v2.6.1 9.5.3.2 PkgmNotificationsFilter.
export const PkgmNotificationsFilter = Type.Object(
  {
    notificationTypes: Type.Optional(Type.Array(literals(PKG_NOTIFICATION_TYPES))),
    vnfProductsFromProviders: Type.Optional(VnfProductsFromProviders),
    vnfdId: Type.Optional(strings()),
    vnfPkgId: Type.Optional(strings()),
    operationalState: Type.Optional(Type.Array(literals(['ENABLED', 'DISABLED'] as const))),
    usageState: Type.Optional(Type.Array(literals(['IN_USE', 'NOT_IN_USE'] as const))),
  },
  closed,
);
export type PkgFilter = Static<typeof PkgmNotificationsFilter>;

// SOL013 8.3.4 SubscriptionAuthentication. OAUTH2_CLIENT_CERT and TLS_CERT are accepted by the
// schema (clients send them) and refused with 422 by the service: mecano has no client certificates.
export const SubscriptionAuthentication = Type.Object(
  {
    authType: Type.Array(literals(['BASIC', 'OAUTH2_CLIENT_CREDENTIALS', 'OAUTH2_CLIENT_CERT', 'TLS_CERT'] as const), { minItems: 1 }),
    paramsBasic: Type.Optional(Type.Object({ userName: Type.Optional(Type.String()), password: Type.Optional(Type.String()) })),
    paramsOauth2ClientCredentials: Type.Optional(
      Type.Object({ clientId: Type.Optional(Type.String()), clientPassword: Type.Optional(Type.String()), tokenEndpoint: Type.Optional(Type.String()) }),
    ),
    paramsOauth2ClientCert: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);
export type SubscriptionAuthenticationInput = Static<typeof SubscriptionAuthentication>;

const CallbackUri = Type.String({ minLength: 1, maxLength: 2048 });

// SOL003 v3.3.1 5.5.2.15 LccnSubscriptionRequest (top level open: Tacker accepts and drops unknown fields).
export const LccnSubscriptionRequest = Type.Object(
  {
    filter: Type.Optional(LifecycleChangeNotificationsFilter),
    callbackUri: CallbackUri,
    authentication: Type.Optional(SubscriptionAuthentication),
    verbosity: Type.Optional(literals(['FULL', 'SHORT'] as const)),
  },
  { additionalProperties: true },
);
export type LccnSubscriptionRequestInput = Static<typeof LccnSubscriptionRequest>;

// SOL005 v2.6.1 9.5.2.3 PkgmSubscriptionRequest.
export const PkgmSubscriptionRequest = Type.Object(
  { filter: Type.Optional(PkgmNotificationsFilter), callbackUri: CallbackUri, authentication: Type.Optional(SubscriptionAuthentication) },
  { additionalProperties: true },
);
export type PkgmSubscriptionRequestInput = Static<typeof PkgmSubscriptionRequest>;

/** Stored LccnSubscription (SOL003 v3.3.1 5.5.2.16) without _links; versions normalised to strings. */
export interface LcmSubscriptionDoc {
  id: string;
  filter?: LcmFilter;
  callbackUri: string;
  verbosity: 'FULL' | 'SHORT';
}

/** Stored PkgmSubscription (SOL005 v2.6.1 9.5.2.4) without _links. */
export interface PkgSubscriptionDoc {
  id: string;
  filter?: PkgFilter;
  callbackUri: string;
}

// Document schemas for SOL013 attribute paths: declared properties only, so a filter on an
// attribute that does not exist is a 400 rather than an empty list.
export const LcmSubscriptionDocSchema = Type.Object({
  id: Type.String(),
  filter: Type.Optional(LifecycleChangeNotificationsFilter),
  callbackUri: Type.String(),
  verbosity: literals(['FULL', 'SHORT'] as const),
});
export const PkgSubscriptionDocSchema = Type.Object({ id: Type.String(), filter: Type.Optional(PkgmNotificationsFilter), callbackUri: Type.String() });

export const LCM_SUBSCRIPTION_QUERY: QuerySpec = { resource: 'LccnSubscription', schema: LcmSubscriptionDocSchema, defaultExcluded: [] };
export const PKG_SUBSCRIPTION_QUERY: QuerySpec = { resource: 'PkgmSubscription', schema: PkgSubscriptionDocSchema, defaultExcluded: [] };

// mecano's own record of one outbox row (/mecano/v1/notifications).
export const NotificationRecordSchema: TSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    subscriptionId: Type.Optional(Type.String()),
    notificationType: Type.String({ description: 'notificationType of a subscription notification, or the kind of a one-off callback' }),
    correlationId: Type.Optional(Type.String()),
    callbackUri: Type.String(),
    state: literals(['pending', 'delivered', 'failed'] as const),
    attempts: Type.Integer(),
    lastStatus: Type.Optional(Type.Integer({ description: 'HTTP status of the last attempt' })),
    lastError: Type.Optional(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    nextAttemptAt: Type.Optional(Type.String({ format: 'date-time' })),
    deliveredAt: Type.Optional(Type.String({ format: 'date-time' })),
    notification: Type.Optional(Type.Unknown({ description: 'the body POSTed (excluded from lists by default)' })),
  },
);

export const NOTIFICATION_QUERY: QuerySpec = {
  resource: 'NotificationRecord',
  schema: NotificationRecordSchema,
  columns: {
    state: { column: 'state', type: 'text' },
    subscriptionId: { column: 'subscription_ref', type: 'text' },
    notificationType: { column: 'kind', type: 'text' },
    attempts: { column: 'attempts', type: 'number' },
  },
  // The body can be large; list it only on request (fields=notification or all_fields).
  defaultExcluded: ['notification'],
};

import { requireScope } from '../control.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../errors.js';
import type { Context } from '../context.js';
import type { DeviceFilter } from '../filter.js';
import { EVENT_TYPES } from '../webhooks/events.js';
import type { DeliveryRecord, EndpointRecord } from '../webhooks/types.js';
import { builder } from './builder.js';
import { CapabilityEnum, ConnectionStateEnum, VendorEnum } from './enums.js';
import { DeviceFilterInput, toDeviceFilter } from './inputs.js';

const errors = { types: [ValidationError, NotFoundError, PermissionDeniedError], directResult: true as const };

const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  description: 'What an endpoint can be sent; the message body names it in its `type` (e.g. device.changed)',
  values: Object.fromEntries(EVENT_TYPES.map((t) => [t.name, { value: t.name, description: `body type "${t.type}"` }])),
});

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { description: 'waiting for its (next) attempt' },
    SUCCEEDED: { description: 'the endpoint answered 2xx' },
    FAILED: { description: 'the last attempt failed; another follows at nextAttemptAt' },
    DEAD: { description: 'given up: retries ran out or the endpoint was disabled' },
  } as const,
});

const WebhookFilterRef = builder.objectRef<DeviceFilter>('WebhookFilter').implement({
  description: 'The devices whose events an endpoint gets (the DeviceFilter it was given)',
  fields: (t) => ({
    vendors: t.field({ type: [VendorEnum], nullable: true, resolve: (f) => f.vendors ?? null }),
    sourceIds: t.idList({ nullable: true, description: 'source names from the config', resolve: (f) => f.sourceIds ?? null }),
    connection: t.field({ type: ConnectionStateEnum, nullable: true, resolve: (f) => f.connection ?? null }),
    isRecording: t.boolean({ nullable: true, resolve: (f) => f.isRecording ?? null }),
    capabilities: t.field({ type: [CapabilityEnum], nullable: true, resolve: (f) => f.capabilities ?? null }),
    search: t.string({ nullable: true, resolve: (f) => f.search ?? null }),
  }),
});

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

const WebhookDeliveryRef = builder.objectRef<DeliveryRecord>('WebhookDelivery').implement({
  description: 'One event for one endpoint, and how delivering it went',
  fields: (t) => ({
    id: t.exposeID('id'),
    endpointId: t.exposeID('endpointId'),
    eventId: t.exposeString('eventId', { description: 'the webhook-id header: the same on every attempt, for receivers to dedupe' }),
    eventType: t.field({ type: WebhookEventTypeEnum, resolve: (d) => d.eventType }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    lastResponseCode: t.int({ nullable: true, resolve: (d) => d.lastResponseCode }),
    lastError: t.string({ nullable: true, description: "what failed, in avgraph's words (never the receiver's text)", resolve: (d) => d.lastError }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => date(d.nextAttemptAt) }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => new Date(d.createdAt) }),
  }),
});

const WebhookEndpointRef = builder.objectRef<EndpointRecord>('WebhookEndpoint').implement({
  description: 'Where avgraph pushes events (Standard Webhooks). Its secret is shown once, when created or rotated.',
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], resolve: (e) => e.eventTypes }),
    filter: t.field({ type: WebhookFilterRef, nullable: true, resolve: (e) => e.filter }),
    enabled: t.exposeBoolean('enabled'),
    description: t.string({ nullable: true, resolve: (e) => e.description }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
    failingSince: t.field({ type: 'DateTime', nullable: true, description: 'since when every attempt failed', resolve: (e) => date(e.failingSince) }),
    disabledReason: t.string({ nullable: true, description: 'why avgraph disabled it, if it did', resolve: (e) => e.disabledReason }),
    deliveries: t.field({
      type: [WebhookDeliveryRef],
      description: 'the delivery log, newest first',
      args: { first: t.arg.int({ defaultValue: 20 }), status: t.arg({ type: DeliveryStatusEnum }) },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? 20) }),
      resolve: (e, args, ctx) => ctx.runtime.webhooks.deliveries(e.id, args.first ?? 20, args.status ?? null),
    }),
  }),
});

const EndpointPayload = (name: string) =>
  builder.objectRef<{ endpoint: EndpointRecord }>(name).implement({
    fields: (t) => ({ endpoint: t.field({ type: WebhookEndpointRef, resolve: (p) => p.endpoint }) }),
  });

const WithSecret = (name: string) =>
  builder.objectRef<{ endpoint: EndpointRecord; secret: string }>(name).implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpointRef, resolve: (p) => p.endpoint }),
      secret: t.string({ description: 'whsec_… to verify signatures with; shown this once', resolve: (p) => p.secret }),
    }),
  });

const DeletedEndpoint = builder.objectRef<{ endpointId: string }>('DeleteWebhookEndpointSuccess').implement({
  fields: (t) => ({ endpointId: t.id({ resolve: (p) => p.endpointId }) }),
});

const Redelivered = builder.objectRef<{ delivery: DeliveryRecord }>('RedeliverWebhookSuccess').implement({
  fields: (t) => ({ delivery: t.field({ type: WebhookDeliveryRef, resolve: (p) => p.delivery }) }),
});

const admin = (ctx: Context) => {
  requireScope(ctx, 'admin');
  return ctx.runtime.webhooks;
};

builder.queryFields((t) => ({
  webhookEndpoints: t.field({
    type: [WebhookEndpointRef],
    description: 'outbound webhook endpoints; scope admin',
    resolve: (_r, _a, ctx) => admin(ctx).endpoints(),
  }),
}));

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WithSecret('CreateWebhookEndpointSuccess'),
    errors,
    description: 'scope admin; the answer carries the signing secret, which is never shown again',
    args: {
      url: t.arg.string({ required: true }),
      eventTypes: t.arg({ type: [WebhookEventTypeEnum], required: true }),
      filter: t.arg({ type: DeviceFilterInput }),
      enabled: t.arg.boolean({ defaultValue: true }),
      description: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      admin(ctx).create({
        url: args.url,
        eventTypes: args.eventTypes,
        filter: toDeviceFilter(ctx, args.filter),
        enabled: args.enabled ?? true,
        description: args.description ?? null,
      }),
  }),
  updateWebhookEndpoint: t.field({
    type: EndpointPayload('UpdateWebhookEndpointSuccess'),
    errors,
    description: 'scope admin; fields left out stay as they are; enabling a disabled endpoint forgets its failures',
    args: {
      id: t.arg.id({ required: true }),
      url: t.arg.string(),
      eventTypes: t.arg({ type: [WebhookEventTypeEnum] }),
      filter: t.arg({ type: DeviceFilterInput }),
      enabled: t.arg.boolean(),
      description: t.arg.string(),
    },
    resolve: async (_r, args, ctx) => ({
      endpoint: await admin(ctx).update(String(args.id), {
        url: args.url ?? undefined,
        eventTypes: args.eventTypes ?? undefined,
        filter: args.filter === undefined ? undefined : toDeviceFilter(ctx, args.filter),
        enabled: args.enabled ?? undefined,
        description: args.description,
      }),
    }),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeletedEndpoint,
    errors,
    description: 'scope admin',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      await admin(ctx).remove(String(args.id));
      return { endpointId: String(args.id) };
    },
  }),
  rotateWebhookSecret: t.field({
    type: WithSecret('RotateWebhookSecretSuccess'),
    errors,
    description: 'scope admin; a new signing secret, shown this once, signs every delivery from now on',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => admin(ctx).rotateSecret(String(args.id)),
  }),
  redeliverWebhook: t.field({
    type: Redelivered,
    errors,
    description: 'scope admin; sends a delivery again now, with the same webhook-id',
    args: { deliveryId: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => ({ delivery: await admin(ctx).redeliver(String(args.deliveryId)) }),
  }),
}));

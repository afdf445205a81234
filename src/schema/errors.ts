import {
  DeviceOfflineError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  UpstreamError,
  ValidationError,
} from '../errors.js';
import { builder } from './builder.js';
import { CapabilityEnum, VendorEnum } from './enums.js';

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  // a generic name other subgraphs use too: shared as a value type in a supergraph
  shareable: true,
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof ValidationError,
  fields: (t) => ({ field: t.string({ nullable: true, resolve: (e) => e.field }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof NotFoundError,
  fields: () => ({}),
});

builder.objectType(NotSupportedError, {
  name: 'NotSupportedError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof NotSupportedError,
  fields: (t) => ({ capability: t.field({ type: CapabilityEnum, nullable: true, resolve: (e) => e.capability }) }),
});

builder.objectType(PermissionDeniedError, {
  name: 'PermissionDeniedError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof PermissionDeniedError,
  fields: () => ({}),
});

builder.objectType(DeviceOfflineError, {
  name: 'DeviceOfflineError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof DeviceOfflineError,
  fields: () => ({}),
});

builder.objectType(UpstreamError, {
  name: 'UpstreamError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof UpstreamError,
  fields: (t) => ({
    vendor: t.field({ type: VendorEnum, resolve: (e) => e.vendor }),
    code: t.string({ nullable: true, resolve: (e) => e.code }),
    retryable: t.boolean({ resolve: (e) => e.retryable }),
  }),
});

/** Every mutation answers with its payload or one of these. */
export const MUTATION_ERRORS = [
  ValidationError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  DeviceOfflineError,
  UpstreamError,
];

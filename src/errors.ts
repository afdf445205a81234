import type { Capability, Vendor } from './model.js';

/** Base of every error a caller may see as a typed GraphQL error. */
export class AvgraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AvgraphError {
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export class NotFoundError extends AvgraphError {}

export class NotSupportedError extends AvgraphError {
  constructor(
    message: string,
    readonly capability: Capability | null = null,
  ) {
    super(message);
  }
}

export class PermissionDeniedError extends AvgraphError {}

export class DeviceOfflineError extends AvgraphError {}

/** A firmware update was asked for, but the device already runs the newest version: nothing was started. */
export class AlreadyUpToDateError extends AvgraphError {
  constructor(
    message: string,
    readonly version: string | null,
  ) {
    super(message);
  }
}

export interface UpstreamErrorInit {
  vendor: Vendor;
  sourceId: string;
  code?: string | null;
  retryable?: boolean;
  /** HTTP status of the upstream reply, when there was one. */
  status?: number | null;
}

/** Anything that went wrong talking to a vendor. Messages are built by us and never carry secrets. */
export class UpstreamError extends AvgraphError {
  readonly vendor: Vendor;
  readonly sourceId: string;
  readonly code: string | null;
  readonly retryable: boolean;
  readonly status: number | null;

  constructor(message: string, init: UpstreamErrorInit) {
    super(message);
    this.vendor = init.vendor;
    this.sourceId = init.sourceId;
    this.code = init.code ?? null;
    this.retryable = init.retryable ?? false;
    this.status = init.status ?? null;
  }

  /** What rebuilds this error elsewhere (another replica): `new UpstreamError(message, e.toInit())`. */
  toInit(): Required<UpstreamErrorInit> {
    return { vendor: this.vendor, sourceId: this.sourceId, code: this.code, retryable: this.retryable, status: this.status };
  }
}

/** Configuration problems: one line naming the key, printed at start-up instead of a stack trace. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Why an accounting request failed; the sink maps these onto delivery errors. */

/** No configured server gave a valid Accounting-Response within the retransmission budget. */
export class RadiusTimeoutError extends Error {
  constructor(
    message: string,
    readonly transmissions: number,
  ) {
    super(message);
    this.name = 'RadiusTimeoutError';
  }
}

/** The request cannot be encoded (an attribute too long, an unknown name): retrying will not help. */
export class RadiusEncodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RadiusEncodeError';
  }
}

/** The client's configuration cannot work (no server, empty secret, unresolvable or IPv6 host). */
export class RadiusConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RadiusConfigError';
  }
}

/** The client was closed while the request was waiting. */
export class RadiusClosedError extends Error {
  constructor() {
    super('RADIUS client closed');
    this.name = 'RadiusClosedError';
  }
}

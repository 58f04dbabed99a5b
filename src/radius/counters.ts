/** What a RADIUS client did, for metrics. Monotonic counts since the client was created. */
export interface RadiusCounters {
  /** Accounting records handed to send(). */
  requests: number;
  /** Datagrams sent, first transmissions and retransmissions together. */
  transmissions: number;
  /** Transmissions after a record's first (to the same or the next server). */
  retransmissions: number;
  /** Valid Accounting-Responses accepted (one per answered record). */
  responses: number;
  /** Records no server answered within the retransmission budget. */
  timeouts: number;
  /** Times a server was given up for the next one. */
  failovers: number;
  /** Responses from a server whose Response Authenticator did not verify (wrong secret, forgery). */
  badAuthenticators: number;
  /** Datagrams from a server that are not a well-formed Accounting-Response (short, bad Length or attributes, other code). */
  malformedResponses: number;
  /** Datagrams from an address/port that is no configured server, or for no outstanding identifier (late or duplicate answers too). */
  unknownResponses: number;
  /** Datagrams the socket refused to send (no route, …); they count as lost. */
  sendErrors: number;
}

export const zeroCounters = (): RadiusCounters => ({
  requests: 0,
  transmissions: 0,
  retransmissions: 0,
  responses: 0,
  timeouts: 0,
  failovers: 0,
  badAuthenticators: 0,
  malformedResponses: 0,
  unknownResponses: 0,
  sendErrors: 0,
});

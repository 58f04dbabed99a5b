/**
 * Typings for `radius` 1.1.4 (node-radius, CommonJS, no types of its own): only what dxgw
 * uses. The module keeps global state (loaded dictionaries, the secret and authenticator of
 * the call in progress); every call is synchronous, so that is safe on one event loop.
 */
declare module 'radius' {
  // Types only: merges with the value below, so `radius.Attribute` works after a default import.
  namespace radius {
    type Value = string | number | Date | Buffer;
    /** [name or number, value], or ['Vendor-Specific', vendor id or name, sub-attributes]. */
    type Attribute = [string | number, Value] | ['Vendor-Specific', number | string, Attribute[]];

    interface EncodeArgs {
      code: string;
      secret: string;
      identifier?: number;
      authenticator?: Buffer;
      attributes?: Attribute[] | Record<string, Value>;
      add_message_authenticator?: boolean;
    }

    interface Decoded {
      code: string;
      identifier: number;
      length: number;
      authenticator: Buffer;
      /** Repeated attributes become arrays; VSAs sit under 'Vendor-Specific'. */
      attributes: Record<string, unknown>;
      raw_attributes: Array<[number, Buffer]>;
    }
  }

  interface Radius {
    add_dictionary(path: string): void;
    load_dictionaries(): void;
    load_dictionary(path: string): void;
    unload_dictionaries(): void;
    attr_name_to_id(name: string, vendor?: number): string | undefined;
    /** Internal but stable since 2012: field 2 is the dictionary type ('string', 'octets', …). */
    _attr_to(name: string, vendor: number | undefined, field: 2): string | undefined;
    /** Field 4: VALUE name → number (as text) of an integer attribute. */
    _attr_to(name: string, vendor: number | undefined, field: 4): Record<string, string> | undefined;
    encode(args: radius.EncodeArgs): Buffer;
    encode_response(args: { packet: radius.Decoded; code: string; secret: string; attributes?: radius.Attribute[] }): Buffer;
    /** Verifies the Request Authenticator of requests (throws InvalidSecretError); not of responses. */
    decode(args: { packet: Buffer; secret: string }): radius.Decoded;
    decode_without_secret(args: { packet: Buffer }): radius.Decoded;
    /** Lossy (compares digests as UTF-8 strings) and mutates `response` while it runs: dxgw does not use it. */
    verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
    InvalidSecretError: new (message?: string) => Error;
  }

  const radius: Radius;
  export = radius;
}

/**
 * `prediction_id`: the receipt `/predict` gives for each verdict, which an
 * operator's label later names (`POST /feedback`). Storing every served
 * reading would cost a write per reading on the hot path (about 10,000 a
 * second at the workshop's load) and grow without bound, so the id carries
 * what was served instead: the model version, when, a random request nonce,
 * the reading's index in its batch, the model's verdict and the reading's
 * feature values, with a checksum. Any worker or replica can read an id it
 * did not issue, and a label's reading can be trained on, with nothing
 * stored per prediction.
 *
 * An id is a receipt, not a credential: the checksum catches a mistyped,
 * truncated or made-up id, but anyone who can read the format can write a
 * valid one, as anyone could post labeled readings before ids existed.
 * Limits per client, idempotency and `FEEDBACK_TOKEN` guard the labels.
 *
 * Layout, base64url without padding: an 18-byte request header (format 1,
 * six bytes of the version's hash, served-at milliseconds in six bytes, a
 * five-byte nonce) whose 24 characters are shared by the batch's ids, then
 * per reading its index (3 bytes), verdict (1), values (float64 each) and
 * an FNV-1a checksum of all preceding bytes (4).
 */

import { MAX_FEATURES } from "../detector/mod.ts";

/** The format byte every id starts with. */
const FORMAT = 1;
const HEADER_BYTES = 18;
/** Index (3) + verdict (1) + checksum (4), besides 8 bytes per feature value. */
const FIXED_BODY_BYTES = 8;
/** Most feature values an id carries: as many as a model may have, so every model's verdicts get ids. */
export const MAX_ID_FEATURES = MAX_FEATURES;
/** Longest id accepted: more is not an id this service issued. */
export const MAX_PREDICTION_ID_LENGTH = Math.ceil(
  (HEADER_BYTES + FIXED_BODY_BYTES + 8 * MAX_ID_FEATURES) * 4 / 3,
);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const CHARS = Array.from(ALPHABET);
const CODES = new TextEncoder().encode(ALPHABET);
const ASCII = new TextDecoder();

/** Base64url of `bytes[0, length)` as ASCII codes into `out` at `at`; returns the end. */
function encodeAscii(bytes: Uint8Array, length: number, out: Uint8Array, at: number): number {
  return encodeAsciiFrom(bytes, 0, length, out, at);
}

/** Base64url of `bytes[from, length)` as ASCII codes into `out` at `at`; returns the end. */
function encodeAsciiFrom(
  bytes: Uint8Array,
  from: number,
  length: number,
  out: Uint8Array,
  at: number,
): number {
  let o = at;
  let i = from;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o] = CODES[n >>> 18];
    out[o + 1] = CODES[(n >>> 12) & 63];
    out[o + 2] = CODES[(n >>> 6) & 63];
    out[o + 3] = CODES[n & 63];
    o += 4;
  }
  if (i < length) {
    const n = (bytes[i] << 16) | ((i + 1 < length ? bytes[i + 1] : 0) << 8);
    out[o++] = CODES[n >>> 18];
    out[o++] = CODES[(n >>> 12) & 63];
    if (i + 1 < length) out[o++] = CODES[(n >>> 6) & 63];
  }
  return o;
}

/** What an id says was served. */
export interface DecodedPredictionId {
  /** `sha256:` and the 12 hex digits of the version that scored it (its `model_version`). */
  modelVersion: string;
  /** When it was served (milliseconds since the epoch). */
  servedAt: number;
  /** The reading's index in its batch. */
  index: number;
  /** The model's verdict: true when it flagged the reading. */
  predicted: boolean;
  /** The reading's values, in the model's feature order. */
  values: number[];
}

function fnv(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
const FNV_OFFSET = 0x811c9dc5;

function encode(bytes: Uint8Array, length: number): string {
  let out = "";
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += CHARS[n >>> 18] + CHARS[(n >>> 12) & 63] + CHARS[(n >>> 6) & 63] + CHARS[n & 63];
  }
  if (i < length) {
    const n = (bytes[i] << 16) | ((i + 1 < length ? bytes[i + 1] : 0) << 8);
    out += CHARS[n >>> 18] + CHARS[(n >>> 12) & 63];
    if (i + 1 < length) out += CHARS[(n >>> 6) & 63];
  }
  return out;
}

function decode(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor(text.length * 3 / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // The last character's unused low bits are zero in an id this service wrote: otherwise up to
  // four spellings would name one prediction (and count its label up to four times).
  if ((acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

// Request nonces come from a pooled buffer: one getRandomValues call per 800 requests.
const pool = new Uint8Array(4_000);
let poolAt = pool.length;

/** A version as an id carries it: `sha256:` and its first 12 hex digits ("00" for non-hex pairs). */
export function idVersion(version: string): string {
  const hex = version.startsWith("sha256:") ? version.slice(7) : version;
  let out = "sha256:";
  for (let i = 0; i < 6; i++) {
    out += ((parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0) & 0xff).toString(16).padStart(2, "0");
  }
  return out;
}

// The served version changes on a promotion, not per request: its six bytes are parsed once.
let cachedVersion = "";
let cachedVersionBytes = new Uint8Array(6);

/** The six bytes of `version`'s hash an id carries (0 for a non-hex pair). */
function versionBytes(version: string): Uint8Array {
  if (version !== cachedVersion) {
    const hex = version.startsWith("sha256:") ? version.slice(7) : version;
    const bytes = new Uint8Array(6);
    for (let i = 0; i < 6; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0;
    cachedVersion = version;
    cachedVersionBytes = bytes;
  }
  return cachedVersionBytes;
}

/** Working memory of the writers of one feature count (ids are written synchronously). */
interface Scratch {
  bytes: Uint8Array;
  view: DataView;
  values: Float64Array;
}

const scratches: Scratch[] = [];

function scratchFor(nf: number): Scratch {
  let scratch = scratches[nf];
  if (scratch === undefined) {
    const bytes = new Uint8Array(HEADER_BYTES + FIXED_BODY_BYTES + 8 * nf);
    scratch = { bytes, view: new DataView(bytes.buffer), values: new Float64Array(nf) };
    scratches[nf] = scratch;
  }
  return scratch;
}

/** The ASCII of a batch's ids, grown as batches need (reused: ids are written synchronously). */
let asciiScratch = new Uint8Array(4096);

/** Below this many characters a string is built from the codes directly, without a decoder op. */
const DIRECT_DECODE_CHARS = 1024;

/**
 * Writes the ids of one scored batch; one per request, reused for every reading. Writers share
 * their working memory (one per feature count): a request costs its header and its strings.
 */
export class PredictionIdWriter {
  readonly #scratch: Scratch;
  #header: string | null = null;
  readonly #headerAscii = new Uint8Array(24);
  readonly #seed: number;
  readonly #nf: number;

  /** A writer for a batch scored by `modelVersion` (`sha256:` + hex) at `servedAt` ms. */
  constructor(modelVersion: string, nf: number, servedAt: number = Date.now()) {
    if (!(nf >= 1 && nf <= MAX_ID_FEATURES)) {
      throw new RangeError(`A prediction id carries 1 to ${MAX_ID_FEATURES} values, got ${nf}`);
    }
    this.#nf = nf;
    this.#scratch = scratchFor(nf);
    const { bytes: b, view } = this.#scratch;
    b[0] = FORMAT;
    b.set(versionBytes(modelVersion), 1);
    view.setUint16(7, Math.floor(servedAt / 2 ** 32));
    view.setUint32(9, servedAt >>> 0);
    if (poolAt + 5 > pool.length) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    for (let i = 0; i < 5; i++) b[13 + i] = pool[poolAt + i];
    poolAt += 5;
    // The header's bytes live on only as its characters and the checksum's seed: the scratch
    // is the next writer's as soon as this returns.
    encodeAscii(b, HEADER_BYTES, this.#headerAscii, 0);
    this.#seed = fnv(b, 0, HEADER_BYTES, FNV_OFFSET);
  }

  /** Write the body bytes of reading `index` (verdict, values, checksum); returns their length. */
  #body(index: number, predicted: boolean, values: ArrayLike<number>): number {
    const { bytes: b, view: v } = this.#scratch;
    let o = HEADER_BYTES;
    b[o] = index >>> 16;
    b[o + 1] = (index >>> 8) & 0xff;
    b[o + 2] = index & 0xff;
    b[o + 3] = predicted ? 1 : 0;
    o += 4;
    for (let f = 0; f < this.#nf; f++, o += 8) v.setFloat64(o, values[f]);
    v.setUint32(o, fnv(b, HEADER_BYTES, o, this.#seed));
    return o + 4 - HEADER_BYTES;
  }

  /**
   * The ids of a whole batch at once: `verdicts[i]` and the values `fill(i, out)` writes. Built
   * as one ASCII buffer turned into a string once, then sliced: a string per character would
   * cost more than the ids' bytes.
   */
  ids(verdicts: ArrayLike<boolean>, fill: (index: number, out: Float64Array) => void): string[] {
    const n = verdicts.length;
    const bodyBytes = FIXED_BODY_BYTES + 8 * this.#nf;
    const header = this.#headerAscii;
    const length = header.length + Math.ceil(bodyBytes * 4 / 3);
    if (asciiScratch.length < n * length) asciiScratch = new Uint8Array(n * length * 2);
    const ascii = asciiScratch;
    const { bytes, values } = this.#scratch;
    for (let i = 0; i < n; i++) {
      fill(i, values);
      const at = i * length;
      ascii.set(header, at);
      // The body starts after the header's bytes; encodeAscii reads from an offset view.
      const end = HEADER_BYTES + this.#body(i, verdicts[i], values);
      encodeAsciiFrom(bytes, HEADER_BYTES, end, ascii, at + header.length);
    }
    const total = n * length;
    const text = total < DIRECT_DECODE_CHARS
      ? String.fromCharCode.apply(null, ascii.subarray(0, total) as unknown as number[])
      : ASCII.decode(ascii.subarray(0, total));
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = text.slice(i * length, (i + 1) * length);
    return out;
  }

  /** The id of the reading at `index` with `values` (the model's features) and its verdict. */
  id(index: number, predicted: boolean, values: ArrayLike<number>): string {
    const length = this.#body(index, predicted, values);
    this.#header ??= ASCII.decode(this.#headerAscii);
    return this.#header + encode(this.#scratch.bytes.subarray(HEADER_BYTES), length);
  }
}

/**
 * What an id says was served; throws TypeError when `id` is not one this
 * service issues (wrong alphabet, length or checksum).
 */
export function decodePredictionId(id: unknown): DecodedPredictionId {
  if (typeof id !== "string" || id.length === 0) {
    throw new TypeError("must be a prediction_id string from a /predict response");
  }
  if (id.length > MAX_PREDICTION_ID_LENGTH) {
    throw new TypeError(`is ${id.length} characters, longer than any prediction_id`);
  }
  const bytes = decode(id);
  const nf = bytes ? (bytes.length - HEADER_BYTES - FIXED_BODY_BYTES) / 8 : 0;
  if (
    !bytes || bytes[0] !== FORMAT || !Number.isInteger(nf) || nf < 1 ||
    bytes[HEADER_BYTES + 3] > 1
  ) {
    throw new TypeError("is not a prediction_id this service issued (unknown format)");
  }
  const view = new DataView(bytes.buffer);
  const end = bytes.length - 4;
  if (view.getUint32(end) !== fnv(bytes, 0, end, FNV_OFFSET)) {
    throw new TypeError("is not a prediction_id this service issued (checksum mismatch)");
  }
  let hex = "";
  for (let i = 1; i < 7; i++) hex += bytes[i].toString(16).padStart(2, "0");
  const values: number[] = [];
  for (let f = 0; f < nf; f++) values.push(view.getFloat64(HEADER_BYTES + 4 + 8 * f));
  if (!values.every(Number.isFinite)) {
    throw new TypeError("is not a prediction_id this service issued (values not finite)");
  }
  return {
    modelVersion: `sha256:${hex}`,
    servedAt: view.getUint16(7) * 2 ** 32 + view.getUint32(9),
    index: (bytes[HEADER_BYTES] << 16) | (bytes[HEADER_BYTES + 1] << 8) | bytes[HEADER_BYTES + 2],
    predicted: bytes[HEADER_BYTES + 3] === 1,
    values,
  };
}

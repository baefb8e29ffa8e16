/**
 * The one rule for a point in time, wherever the project reads one: a
 * reading's `timestamp` in `/predict` and `/feedback`, the CLI's `--time`
 * column (which also reads a space for T, and `--time-offset` for cells
 * without an offset: tools/cli/_csv.ts), the UI and the simulators' output.
 *
 * Accepted: RFC 3339 `date-time`, `YYYY-MM-DDTHH:MM:SS` with an optional
 * fraction of any length (kept to the millisecond, truncated), then `Z` or an
 * offset `±HH:MM` (`±HHMM` too); the seconds may be left out (`THH:MMZ`).
 * Every field must exist on the calendar (proleptic Gregorian, years 0000 to
 * 9999): `2026-02-30` is refused, not read as 2 March. Also refused, each
 * with its reason ({@link timestampProblem}):
 *
 * - no offset (`2026-01-01T12:00:00`): a local time is ambiguous for grid
 *   data (which zone; which side of a daylight-saving change), so the sender
 *   says `Z` for UTC or gives the offset;
 * - hour 24 (`T24:00`, ISO 8601's end of the day): the same instant is
 *   `00:00` of the next day, and one spelling per instant keeps order checks simple;
 * - second 60 (a leap second): time is counted as Unix time, which has no
 *   leap seconds (NTP clocks repeat or smear the second instead);
 * - lower-case `t` or `z`, a space for `T`, a date without a time.
 *
 * The reader is hand-written for speed (a batch of 64 readings carries 64
 * timestamps; the regular expression plus `Date.parse` it replaced cost about
 * 0.2 µs each) and returns NaN rather than throwing, so the hot path keeps
 * plain doubles. `timestamp_test.ts` checks it against an independent reference.
 */

/** The accepted format in words, for refusals and the OpenAPI document. */
export const TIMESTAMP_FORMAT =
  "RFC 3339 date-time with a UTC offset, e.g. 2026-01-01T12:00:00Z or " +
  "2026-01-01T13:00:00.250+01:00";

/**
 * The accepted shape as a JSON Schema `pattern` (ECMA-262), for the OpenAPI
 * document; the calendar and the ranges are checked beyond it.
 */
export const TIMESTAMP_PATTERN =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})$";

// Why the last call to read() refused its input (valid only right after a NaN).
const SHAPE = 1;
const MONTH = 2;
const DAY = 3;
const HOUR_24 = 4;
const HOUR = 5;
const MINUTE = 6;
const LEAP_SECOND = 7;
const SECOND = 8;
const NO_OFFSET = 9;
const OFFSET = 10;
let refusal = 0;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MS_PER_DAY = 86_400_000;
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `s.charCodeAt(i)` as a digit value: 0 to 9 for an ASCII digit, anything else otherwise. */
function at(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** True when every argument is a digit value (0 to 9; NaN, past the end, is not). */
function digits(a: number, b: number, c: number, d: number): boolean {
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 && d >= 0 && d <= 9;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in `month` (1 to 12) of `year`. */
function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);
}

/** Days from 1970-01-01 to the first of January of `year` (proleptic Gregorian). */
function daysBeforeYear(year: number): number {
  const y = year - 1;
  return 365 * (year - 1970) + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) -
    477; // leap days before 1970: 1969/4 - 1969/100 + 1969/400 = 492 - 19 + 4
}

/** Refuse with `why` (see {@link refusal}). */
function refuse(why: number): number {
  refusal = why;
  return NaN;
}

/** Epoch ms of `s` under the module's rule, or NaN with {@link refusal} set. */
function read(s: string): number {
  const n = s.length;
  // Shape first: YYYY-MM-DDTHH:MM, then [:SS[.F+]], then the zone.
  if (
    n < 16 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58
  ) {
    return refuse(SHAPE);
  }
  const y0 = at(s, 0), y1 = at(s, 1), y2 = at(s, 2), y3 = at(s, 3);
  const mo0 = at(s, 5), mo1 = at(s, 6), d0 = at(s, 8), d1 = at(s, 9);
  const h0 = at(s, 11), h1 = at(s, 12), mi0 = at(s, 14), mi1 = at(s, 15);
  if (!digits(y0, y1, y2, y3) || !digits(mo0, mo1, d0, d1) || !digits(h0, h1, mi0, mi1)) {
    return refuse(SHAPE);
  }
  let i = 16;
  let second = 0;
  let ms = 0;
  if (s.charCodeAt(16) === 58) {
    const s0 = at(s, 17), s1 = at(s, 18);
    if (!digits(s0, s1, 0, 0)) return refuse(SHAPE);
    second = s0 * 10 + s1;
    i = 19;
    if (s.charCodeAt(19) === 46) {
      // Milliseconds from the first three digits (truncated, as Date.parse does).
      const start = ++i;
      let scale = 100;
      for (let d = at(s, i); d >= 0 && d <= 9; d = at(s, ++i)) {
        if (scale >= 1) ms += d * scale;
        scale /= 10;
      }
      if (i === start) return refuse(SHAPE);
    }
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90) { // Z
    if (i + 1 !== n) return refuse(SHAPE);
  } else if (zone === 43 || zone === 45) { // + or -
    // ±HH:MM or ±HHMM, and nothing after it.
    const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
    if (i + 5 + colon !== n) return refuse(SHAPE);
    const oh0 = at(s, i + 1), oh1 = at(s, i + 2), om0 = at(s, i + 3 + colon);
    const om1 = at(s, i + 4 + colon);
    if (!digits(oh0, oh1, om0, om1)) return refuse(SHAPE);
    const oh = oh0 * 10 + oh1;
    const om = om0 * 10 + om1;
    if (oh > 23 || om > 59) return refuse(OFFSET);
    offsetMinutes = (oh * 60 + om) * (zone === 43 ? 1 : -1);
  } else {
    return refuse(i === n ? NO_OFFSET : SHAPE);
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  if (month < 1 || month > 12) return refuse(MONTH);
  if (day < 1 || day > daysInMonth(year, month)) return refuse(DAY);
  if (hour > 23) return refuse(hour === 24 ? HOUR_24 : HOUR);
  if (minute > 59) return refuse(MINUTE);
  if (second > 59) return refuse(second === 60 ? LEAP_SECOND : SECOND);
  const days = daysBeforeYear(year) + DAYS_BEFORE_MONTH[month - 1] +
    (month > 2 && isLeap(year) ? 1 : 0) + day - 1;
  return days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

/** Epoch ms of a timestamp accepted by the module's rule; NaN when it is refused. */
export function parseTimestamp(value: string): number {
  return read(value);
}

/**
 * Why `value` is refused as a timestamp, in words for the sender ("February
 * 2026 has 28 days"); `undefined` when it is accepted.
 */
export function timestampProblem(value: string): string | undefined {
  const t = read(value);
  if (t === t) return undefined;
  const field = (from: number) => value.slice(from, from + 2);
  switch (refusal) {
    case MONTH:
      return `month ${field(5)} does not exist`;
    case DAY: {
      const year = Number(value.slice(0, 4));
      const month = Number(field(5));
      return `${MONTHS[month - 1]} ${value.slice(0, 4)} has ${daysInMonth(year, month)} days, ` +
        `so day ${field(8)} does not exist`;
    }
    case HOUR_24:
      return "hour 24 is not accepted: write 00:00 of the next day";
    case HOUR:
      return `hour ${field(11)} does not exist`;
    case MINUTE:
      return `minute ${field(14)} does not exist`;
    case LEAP_SECOND:
      return "second 60 (a leap second) is not accepted: times are Unix time, which has no " +
        "leap seconds; send :59.999 or the clock's smeared time";
    case SECOND:
      return `second ${field(17)} does not exist`;
    case NO_OFFSET:
      return "it has no UTC offset, and a local time is ambiguous: add Z for UTC or the " +
        "offset, e.g. +01:00";
    case OFFSET:
      return "the UTC offset is out of range (at most ±23:59)";
    default:
      return `expected ${TIMESTAMP_FORMAT}` +
        (/^\d{4}-\d{2}-\d{2}$/.test(value)
          ? "; a date alone has no time of day"
          : value.charCodeAt(10) === 32
          ? "; separate date and time with T, not a space"
          : value.charCodeAt(10) === 116 || /z$/.test(value)
          ? "; T and Z are upper case"
          : "");
  }
}

/** `ms` as a timestamp the rule accepts (`toISOString`, always UTC); RangeError outside years 0000 to 9999. */
export function formatTimestamp(ms: number): string {
  const text = new Date(ms).toISOString(); // RangeError when not a valid time
  if (text.length !== 24) throw new RangeError(`${ms} ms is outside the years 0000 to 9999`);
  return text;
}

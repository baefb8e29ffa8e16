import assert from "node:assert/strict";
import { isRejected, parseRecord, parseRecords } from "./record.ts";
import { FEATURES } from "../detector/mod.ts";

const enc = new TextEncoder();
const key = (text: string) => enc.encode(text);
const value = (body: unknown) => enc.encode(typeof body === "string" ? body : JSON.stringify(body));
const good = {
  meter_id: "meter-01",
  timestamp: "2026-01-01T00:00:00.000Z",
  voltage: 230.1,
  current: 10.2,
  frequency: 50.01,
};

Deno.test("parseRecord() returns the reading with its meter and time", () => {
  const parsed = parseRecord(key("meter-01"), value(good), FEATURES);
  assert.ok(!isRejected(parsed));
  assert.equal(parsed.meter, "meter-01");
  assert.equal(parsed.time, Date.parse(good.timestamp));
  assert.equal(parsed.reading.voltage, 230.1);
});

Deno.test("parseRecord() names the reason of each bad record", () => {
  const cases: [Uint8Array | null, Uint8Array | null, string, RegExp][] = [
    [key("meter-01"), value("{not json"), "not_json", /not UTF-8 JSON/],
    [key("meter-01"), new Uint8Array([0xff, 0xfe]), "not_json", /not UTF-8 JSON/],
    [key("meter-01"), null, "not_json", /not UTF-8 JSON/],
    [key("meter-01"), value({ ...good, voltage: "high" }), "invalid_reading", /voltage/],
    [
      key("meter-01"),
      value(JSON.stringify(good).replace("230.1", "1e999")),
      "invalid_reading",
      /finite/,
    ],
    [key("meter-01"), value({ ...good, frequency: undefined }), "invalid_reading", /frequency/],
    [key("meter-01"), value({ ...good, timestamp: undefined }), "missing_timestamp", /timestamp/],
    [key("meter-01"), value({ ...good, meter_id: undefined }), "unknown_meter", /required/],
    [key("meter-02"), value(good), "unknown_meter", /differs from the record key "meter-02"/],
    [null, value(good), "unknown_meter", /differs/],
  ];
  for (const [k, v, reason, message] of cases) {
    const parsed = parseRecord(k, v, FEATURES);
    assert.ok(isRejected(parsed), reason);
    assert.equal(parsed.reason, reason);
    assert.match(parsed.message, message);
  }
});

Deno.test("parseRecords() agrees with parseRecord() record by record, bad records included", () => {
  const records = [
    { key: key("meter-01"), value: value(good) },
    { key: key("meter-02"), value: value({ ...good, meter_id: "meter-02", voltage: 231 }) },
  ];
  const clean = parseRecords(records, FEATURES);
  assert.deepEqual(clean, records.map((r) => parseRecord(r.key, r.value, FEATURES)));
  const mixed = [
    ...records,
    { key: key("meter-03"), value: value("[") },
    { key: key("meter-03"), value: value({ ...good, meter_id: "meter-03", current: "x" }) },
  ];
  const parsed = parseRecords(mixed, FEATURES);
  assert.deepEqual(parsed, mixed.map((r) => parseRecord(r.key, r.value, FEATURES)));
  assert.deepEqual(parsed.map((p) => isRejected(p) ? p.reason : "ok"), [
    "ok",
    "ok",
    "not_json",
    "invalid_reading",
  ]);
});

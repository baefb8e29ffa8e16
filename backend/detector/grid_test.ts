import assert from "node:assert/strict";
import { defaultGridMap, parseGridSpec, quantitiesOf, sameGridMap } from "./grid.ts";

Deno.test("defaultGridMap() maps features named like grid quantities to themselves", () => {
  assert.deepEqual(defaultGridMap(["voltage", "temp", "frequency"]), {
    voltage: "voltage",
    frequency: "frequency",
  });
  assert.deepEqual(quantitiesOf(["voltage", "temp"], defaultGridMap(["voltage", "temp"])), [
    "voltage",
    "",
  ]);
});

Deno.test("parseGridSpec() maps columns to quantities and names mistakes", () => {
  const map = parseGridSpec("u=voltage, frequency", ["u", "i", "frequency"]);
  assert.deepEqual(map, { u: "voltage", frequency: "frequency" });
  assert.ok(sameGridMap(map, { frequency: "frequency", u: "voltage" }));
  assert.ok(!sameGridMap(map, { u: "voltage" }));
  assert.deepEqual(parseGridSpec("", ["u"]), {});
  assert.throws(() => parseGridSpec("x=voltage", ["u"]), {
    message: 'Grid map names "x", which is not a feature (features: u)',
  });
  assert.throws(() => parseGridSpec("u=power", ["u"]), {
    message: 'Grid quantity of "u" must be one of voltage, current, frequency, got "power"',
  });
  assert.throws(() => parseGridSpec("u=voltage,v=voltage", ["u", "v"]), /more than one feature/);
});

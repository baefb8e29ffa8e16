/**
 * RELIABILITY R4.19: `Deno.serve` has no header-read timeout, so a slowloris
 * client can hold many connections open. The service must keep answering
 * fresh clients meanwhile (a fronting proxy timeout is still advised; see
 * docs/TECHNICAL_OVERVIEW.md).
 */
import assert from "node:assert/strict";
import { startBackend } from "../../testing/backend_process.ts";
import { skipUnless } from "../../testing/tools.ts";

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

Deno.test({
  name: "the backend keeps answering /health while 300 slowloris connections trickle headers",
  ignore: skipUnless("slowhttptest"),
  async fn() {
    const backend = await startBackend();
    const attack = new Deno.Command("slowhttptest", {
      // -H slow headers, 300 connections at 150/s, a header line every 5 s, for 15 s; loopback only.
      args: [
        "-H",
        "-c",
        "300",
        "-r",
        "150",
        "-i",
        "5",
        "-l",
        "15",
        "-p",
        "3",
        "-u",
        `${backend.url}/predict`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      await new Promise((r) => setTimeout(r, 4000));
      for (let i = 0; i < 10; i++) {
        // A hang, not slowness, is the failure: the bound only keeps the test from stalling.
        const res = await fetch(`${backend.url}/health`, { signal: AbortSignal.timeout(5000) });
        assert.equal(res.status, 200);
        assert.equal((await res.json()).status, "ok");
        await new Promise((r) => setTimeout(r, 500));
      }
      const report = new TextDecoder().decode((await attack.output()).stdout);
      // The attack really held connections open, or the check above proved nothing.
      const plain = report.replaceAll(ANSI, "");
      const connected = Math.max(
        0,
        ...[...plain.matchAll(/connected:\D*(\d+)/g)].map((m) => Number(m[1])),
      );
      assert.ok(connected >= 100, `slowhttptest held only ${connected} connections:\n${report}`);
    } finally {
      try {
        attack.kill("SIGKILL");
      } catch {
        // already exited
      }
      await backend.stop();
    }
  },
});

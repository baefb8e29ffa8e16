/**
 * One image build at a time across test files. podman's builds share one
 * image store, and two builds of the same Dockerfile at once can fail for
 * reasons of their own (a RUN step "killed" while the other build commits the
 * same layer; EOF on a shared layer, podman#10082). Test files run in
 * parallel (`deno test --parallel`) and two of them build the project's
 * images (`containers/tests/images_test.ts`, the guide's `docker build`
 * commands in `docs/tests/guide_commands_test.ts`), so each takes this lock
 * around a build: flock(1) on one file, held by the build's own process and
 * released when it exits, whatever happens to the test.
 */

/** The lock file every test's image builds take. */
export const IMAGE_BUILD_LOCK = "/tmp/anomaly-image-builds.lock";

/** `cmd args` as a command that first waits for {@link IMAGE_BUILD_LOCK}. */
export function oneBuildAtATime(cmd: string, args: readonly string[]): [string, string[]] {
  return ["flock", [IMAGE_BUILD_LOCK, cmd, ...args]];
}

/** A shell command line that first waits for {@link IMAGE_BUILD_LOCK}. */
export function oneBuildAtATimeShell(line: string): string {
  return `flock ${IMAGE_BUILD_LOCK} ${line}`;
}

/**
 * `npm test` sets DC_QUIET=1: the tests' own console output (the platform logging the failures
 * the tests cause on purpose) is dropped and only lines starting `[report]` (the fuzz suites'
 * counts, measured figures) are printed. Run a file with `npx vitest run <file>` to see everything.
 */
export const onConsoleLog = process.env.DC_QUIET === "1" ? (log: string): false | undefined => (log.startsWith("[report]") ? undefined : false) : undefined;

/**
 * The one unhandled error not counted as a failure: the pool closing a test runtime while that
 * runtime still asks the runner to resolve a module (`EnvironmentTeardownError: Closing rpc while
 * "resolve" was pending`). It comes after the file's tests have finished and says nothing about
 * them; every other unhandled error still fails the run.
 */
export const onUnhandledError = (error: { name?: string; message?: string }): boolean => !(error.name === "EnvironmentTeardownError" && (error.message ?? "").includes("Closing rpc while"));

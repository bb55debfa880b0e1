/**
 * `npm test` sets DC_QUIET=1: the tests' own console output (the platform logging the failures
 * the tests cause on purpose) is dropped and only lines starting `[report]` (the fuzz suites'
 * counts, measured figures) are printed. Run a file with `npx vitest run <file>` to see everything.
 */
export const onConsoleLog = process.env.DC_QUIET === "1" ? (log: string): false | undefined => (log.startsWith("[report]") ? undefined : false) : undefined;

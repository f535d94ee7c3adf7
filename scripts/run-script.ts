/**
 * Runs a one-shot script and exits: Prisma's WebAssembly schema engine leaves a timer behind
 * that would otherwise keep the process alive for several seconds after the work is done.
 */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

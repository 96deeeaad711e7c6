/** Runs every check and reports all that failed at once, so one run shows the whole picture. */
export async function expectAll(checks: Array<[what: string, check: () => Promise<void>]>): Promise<void> {
  const problems: string[] = [];
  for (const [what, check] of checks) {
    try {
      await check();
    } catch (error) {
      problems.push(`- ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0)
    throw new Error(`${problems.length} of ${checks.length} checks failed:\n${problems.join('\n')}`);
}

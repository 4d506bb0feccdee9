/** Polls `condition` until it holds; fails naming `what` (and `detail()`, if given) on timeout. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  detail?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${detail()}` : ''}`);
    // The poll interval between looks at the condition, which is what is waited for.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

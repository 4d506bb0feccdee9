/**
 * Runs tasks one at a time per key, in call order; tasks under different keys run side by side.
 * The local secret store reads a secret's file, changes it and writes it back: two such
 * read-modify-write cycles on one file must not interleave, or one of the writes is lost.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  public async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The tail never rejects, so one failed task does not fail the ones queued behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

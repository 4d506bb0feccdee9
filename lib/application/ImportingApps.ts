import type { ImportStore } from '../ports/ImportStore.js';

/** How long a read of the apps' import modes serves: other processes' approvals show within this. */
const CACHE_MS = 5_000;

/**
 * Which configured apps are in import mode (see ImportMode), as the planner and the reconciler ask
 * for every plan: read from the ImportStore once per few seconds, and again at once after this
 * process changed a mode (`forget`).
 */
export class ImportingApps {
  private cached: { readonly apps: ReadonlySet<string>; readonly readAt: number } | undefined;

  public constructor(
    private readonly deps: { readonly imports: Pick<ImportStore, 'get'>; readonly apps: () => readonly string[]; readonly now?: () => number },
  ) {}

  public async list(): Promise<ReadonlySet<string>> {
    const now = this.deps.now?.() ?? Date.now();
    if (!this.cached || now - this.cached.readAt > CACHE_MS || now < this.cached.readAt) {
      const states = await Promise.all(this.deps.apps().map(async (app) => [app, await this.deps.imports.get(app)] as const));
      this.cached = { apps: new Set(states.flatMap(([app, state]) => (state?.mode?.state === 'importing' ? [app] : []))), readAt: now };
    }
    return this.cached.apps;
  }

  public async has(app: string): Promise<boolean> {
    return (await this.list()).has(app);
  }

  /** This process just changed an app's mode: the next question reads again. */
  public forget(): void {
    this.cached = undefined;
  }
}

import { fileURLToPath } from 'node:url';
import { type SpawnedPerimeter, spawnLocalPerimeter } from '../../../local/spawnLocalPerimeter.js';
import { testDynamoEnv } from '../../support/testDynamo.js';
import { describeKill, KILL_MARKER, type KillSpec } from './KillSpec.js';

const KILL_HOOK = fileURLToPath(new URL('./killHook.mjs', import.meta.url));

/** How one incarnation ended its start: listening, or killed by its own hook before it was. */
export type StartOutcome = 'listening' | 'killed-while-starting';

/**
 * `npm start` as a child process that a chaos test kills and restarts on the same data directory,
 * over and over. Callers that talk to it while it is down wait on `ready()`, which resolves with the
 * URL of the next incarnation once it listens (a new port each time), so a burst of requests can
 * run straight through the kills.
 */
export class ChaosPerimeter {
  /** Every kill, in order, for the test log. */
  public readonly kills: string[] = [];
  private current: SpawnedPerimeter | undefined;
  private exit: Promise<void> = Promise.resolve();
  private hookFired = false;
  private waiting: { promise: Promise<string>; resolve: (url: string) => void };

  public constructor(private readonly env: Readonly<Record<string, string>>) {
    this.waiting = deferred();
  }

  public get url(): string {
    if (!this.current) throw new Error('Perimeter is not running');
    return this.current.url;
  }

  public get running(): boolean {
    return this.current !== undefined && this.current.child.exitCode === null && this.current.child.signalCode === null;
  }

  /** The URL once a process listens: now, or after the restart that follows a kill. */
  public ready(): Promise<string> {
    return this.running ? Promise.resolve(this.url) : this.waiting.promise;
  }

  /**
   * Starts an incarnation, optionally armed to SIGKILL itself at `kill`. A hook may fire during
   * start-up (crash recovery appends to the ledger too); that start is reported, not thrown.
   */
  public async start(kill?: KillSpec): Promise<StartOutcome> {
    if (this.running) throw new Error('Perimeter is already running');
    this.hookFired = false;
    const dataDir = this.env.PERIMETER_DATA_DIR;
    const env = { ...(dataDir ? testDynamoEnv(dataDir) : {}), ...this.env, ...(kill ? { CHAOS_KILL: JSON.stringify(kill) } : {}) };
    let spawned: SpawnedPerimeter;
    try {
      spawned = await spawnLocalPerimeter(env, kill ? ['--import', 'tsx', '--import', KILL_HOOK] : []);
    } catch (error) {
      if (kill && String(error).includes(KILL_MARKER)) {
        this.kills.push(`${describeKill(kill)} (while starting)`);
        return 'killed-while-starting';
      }
      throw error;
    }
    this.current = spawned;
    this.exit = new Promise<void>((resolve) => {
      if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) resolve();
      // 'close', not 'exit': stderr (and a kill marker on it) has been read by then.
      else spawned.child.once('close', () => resolve());
    });
    spawned.child.stderr?.on('data', (chunk: Buffer) => {
      if (kill && chunk.toString().includes(KILL_MARKER)) {
        this.hookFired = true;
        this.kills.push(describeKill(kill));
      }
    });
    const { resolve } = this.waiting;
    this.waiting = deferred();
    resolve(spawned.url);
    return 'listening';
  }

  /** kill -9 from outside, now. */
  public async kill9(why: string): Promise<void> {
    if (!this.current) return;
    if (this.running) this.kills.push(why);
    await this.current.kill9();
  }

  /** Resolves when the current process has exited (its hook fired, or it was killed). */
  public exited(): Promise<void> {
    return this.exit;
  }

  /** Whether the last incarnation died by its own hook. */
  public get killedByHook(): boolean {
    return this.hookFired;
  }

  /** A graceful stop (SIGTERM), for the final inspection. */
  public async stop(): Promise<void> {
    if (this.running) await this.current?.stop();
  }
}

function deferred(): { promise: Promise<string>; resolve: (url: string) => void } {
  let resolve: (url: string) => void = () => undefined;
  const promise = new Promise<string>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

import { type ChildProcess, spawn } from 'node:child_process';

export interface SpawnedPerimeter {
  readonly url: string;
  readonly child: ChildProcess;
  /** Sends SIGKILL (kill -9) and waits for the process to be gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `npm start`'s entry point as a real child process (crash and restart tests, benchmarks). */
export async function spawnLocalPerimeter(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<SpawnedPerimeter> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`Perimeter did not start in time. stderr: ${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Perimeter listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Perimeter exited with ${code} before listening. stderr: ${stderr}`));
    });
  });
  return {
    url,
    child,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

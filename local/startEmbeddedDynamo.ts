import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface EmbeddedDynamo {
  readonly endpoint: string;
  /**
   * The only credentials the engine accepts: random per start and known to this process alone, so
   * no other process on the machine can use the engine behind Perimeter's tokens.
   */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB's API on LevelDB) on a free loopback port, in a worker thread of this
 * process. With a path, data persists there: LevelDB appends every acknowledged change to its log
 * before answering, so a kill -9 of this process loses nothing the API acknowledged. Without a path
 * it runs in memory (tests).
 */
export async function startEmbeddedDynamo(path?: string): Promise<EmbeddedDynamo> {
  const credentials = { accessKeyId: `PRM${randomBytes(16).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(32).toString('base64url') };
  const worker = new Worker(new URL('./embeddedDynamoWorker.mjs', import.meta.url), { workerData: { path, accessKeyId: credentials.accessKeyId } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) => {
      if (message.port) resolve(message.port);
      else reject(new Error(`Embedded DynamoDB failed to start: ${message.error ?? 'unknown error'}`));
    });
    worker.once('error', (error) => reject(new Error('Embedded DynamoDB failed to start', { cause: error })));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    close: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await worker.terminate();
    },
  };
}

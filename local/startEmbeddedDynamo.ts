import { Worker } from 'node:worker_threads';

export interface EmbeddedDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB's API on LevelDB) on a free loopback port, in a worker thread of this
 * process. With a path, data persists there: LevelDB appends every acknowledged change to its log
 * before answering, so a kill -9 of this process loses nothing the API acknowledged. Without a path
 * it runs in memory (tests).
 */
export async function startEmbeddedDynamo(path?: string): Promise<EmbeddedDynamo> {
  const worker = new Worker(new URL('./embeddedDynamoWorker.mjs', import.meta.url), { workerData: { path } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) => {
      if (message.port) resolve(message.port);
      else reject(new Error(`Embedded DynamoDB failed to start: ${message.error ?? 'unknown error'}`));
    });
    worker.once('error', (error) => reject(new Error('Embedded DynamoDB failed to start', { cause: error })));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await worker.terminate();
    },
  };
}

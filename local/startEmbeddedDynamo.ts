import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB's API on LevelDB) on a free loopback port. With a path, data persists
 * there: LevelDB writes every acknowledged change to its log before answering, so a kill -9 of this
 * process loses nothing the API acknowledged. Without a path it runs in memory (tests).
 */
export async function startEmbeddedDynamo(path?: string): Promise<EmbeddedDynamo> {
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Runs dynalite on its own thread so the engine and the request handlers use separate cores; the
// parent talks to it over loopback HTTP exactly as it would to DynamoDB. Plain JavaScript: worker
// threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const { path } = workerData;
const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort?.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => {
  parentPort?.postMessage({ port: server.address().port });
});
parentPort?.on('message', (message) => {
  if (message === 'close') server.close(() => parentPort?.postMessage({ closed: true }));
});

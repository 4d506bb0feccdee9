// Runs dynalite on its own thread so the engine and the request handlers use separate cores; the
// parent talks to it over loopback HTTP exactly as it would to DynamoDB. Plain JavaScript: worker
// threads do not inherit the TypeScript loader.
import { timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const { path, accessKeyId } = workerData;
const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

// dynalite accepts any credentials, so any process on the machine could read and write the
// directory and the ledger behind every token. Only requests signed with this start's access key
// (known to this process alone) reach the engine; anything else gets DynamoDB's own refusal.
const expected = Buffer.from(`Credential=${accessKeyId}/`);
const [serve] = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (request, response) => {
  const authorization = String(request.headers.authorization ?? '');
  const at = authorization.indexOf('Credential=');
  const presented = Buffer.from(at < 0 ? '' : authorization.slice(at, at + expected.length));
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    request.resume();
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', message: 'The security token included in the request is invalid.' }));
    return;
  }
  serve.call(server, request, response);
});
server.once('error', (error) => parentPort?.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => {
  parentPort?.postMessage({ port: server.address().port });
});
parentPort?.on('message', (message) => {
  if (message === 'close') server.close(() => parentPort?.postMessage({ closed: true }));
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The ceiling for the SCIM benchmark: plain node:http answering every request with a fixed SCIM
// user. Whatever Perimeter adds (auth, validation, DynamoDB, ledger) shows as the gap to this.
const body = JSON.stringify({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  meta: { resourceType: 'User', version: 'W/"1"' },
});

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/scim+json; charset=utf-8' });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Ceiling listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});

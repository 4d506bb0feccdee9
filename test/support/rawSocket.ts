import { connect, type Socket } from 'node:net';

export interface RawSocket {
  readonly socket: Socket;
  /** Everything the server sent so far, as text. */
  received(): string;
  /** Resolves when the server's answer holds a whole head (status line and headers). */
  readonly head: Promise<string>;
  /** Resolves once the connection is closed, by either side. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
  /**
   * Writes `chunk` until `maxBytes` are written or the connection closes, whichever is first, each
   * write waiting for the socket to drain; answers how many bytes went out.
   */
  writeUntilClosed(chunk: Buffer, maxBytes: number): Promise<number>;
}

/** A plain TCP connection to a test server, for what no HTTP client sends: endless or absent bodies, idle sockets. */
export async function openRawSocket(url: string): Promise<RawSocket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  let closed = false;
  // Writes after the server has closed fail with EPIPE or ECONNRESET: an outcome, not a failure.
  socket.on('error', () => undefined);
  const closedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  const head = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) resolve(text.slice(0, text.indexOf('\r\n\r\n')));
    };
    socket.on('data', onData);
    void closedPromise.then(() => resolve(text));
  });
  return {
    socket,
    received: () => text,
    head,
    closed: closedPromise,
    isClosed: () => closed,
    writeUntilClosed: async (chunk, maxBytes) => {
      let written = 0;
      while (!closed && written < maxBytes) {
        written += chunk.length;
        if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closedPromise]);
      }
      return written;
    },
  };
}

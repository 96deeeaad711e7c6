import { connect, type Socket } from 'node:net';

/** What came back on a raw connection before the server closed it. */
export interface RawAnswer {
  /** The HTTP status, or 0 when the server closed without answering. */
  status: number;
  /** Everything received, headers and body. */
  text: string;
}

/**
 * One TCP connection to the server on which a test writes HTTP exactly as it wants: without a Host
 * header, or a request in two halves with something done in between (fetch and node:http allow neither).
 * Ask with `Connection: close`: the answer is everything received until the server closes.
 */
export class RawConnection {
  private received = '';
  private readonly ended: Promise<RawAnswer>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    this.ended = new Promise((resolve) => {
      socket.once('close', () => {
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(this.received)?.[1];
        resolve({ status: status === undefined ? 0 : Number(status), text: this.received });
      });
    });
    // A reset after the answer is still an end: `close` follows it.
    socket.on('error', () => undefined);
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) }, () =>
        resolve(new RawConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Resolves once the server has closed the connection. */
  answer(): Promise<RawAnswer> {
    return this.ended;
  }
}

/** Sends `text` on a fresh connection and resolves with what came back. */
export async function rawExchange(url: string, text: string): Promise<RawAnswer> {
  const c = await RawConnection.open(url);
  c.write(text);
  return c.answer();
}

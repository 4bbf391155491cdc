import { createServer, type Server, Socket } from "node:net";

// A TCP proxy in front of the test database that can fail the way a network does: refuse new
// connections (the port is closed), cut every open one, or cut one command exactly before it
// reaches the database or exactly after the database ran it (its reply is never delivered).

export type CutPoint = "before" | "after" | "mid-reply";

/**
 * How a connection is cut: `destroy` closes it, `fin` half-closes it towards the API (the API's
 * next write on it meets "socket has been ended by the other party"), `reset` sends a TCP RST.
 */
export type CutHow = "destroy" | "fin" | "reset";

export interface CommandTrap {
  /** The command's name, e.g. `findAndModify`, and its collection, e.g. `events`. */
  command: string;
  collection?: string;
  /** Where the connection is cut; `hold` cuts nothing, it passes the command on `holdMs` late. */
  at: CutPoint | "hold";
  holdMs?: number;
}

export interface DbProxy {
  readonly port: number;
  readonly uri: string;
  /** `command collection` of every command forwarded, in order (handshakes and pings included). */
  readonly commands: string[];
  /** Listens again on the same port. */
  open(): Promise<void>;
  /** Stops listening (new connections are refused) and cuts every open connection. */
  close(): Promise<void>;
  /** Cuts every open connection; new ones are still accepted. */
  cutAll(how?: CutHow): void;
  /** A black hole: connections stay open but nothing passes either way until `stall(false)`. */
  stall(on?: boolean): void;
  /**
   * Arms a one-shot trap: the next matching command cuts its connection (or is held back, `hold`);
   * resolves when it fired.
   */
  cutOn(trap: CommandTrap): Promise<void>;
  stop(): Promise<void>;
}

const OP_MSG = 2013;
const HEADER_BYTES = 16;

/** Name and collection of a command message (OP_MSG, body section first, as the Node driver writes it). */
export function describeCommand(message: Buffer): { command: string; collection?: string } {
  if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return { command: "legacy" };
  // Body document at 21: int32 size, then the first element: type byte, key cstring, value.
  const type = message[25];
  const keyEnd = message.indexOf(0, 26);
  const command = message.toString("utf8", 26, keyEnd);
  if (type !== 0x02) return { command };
  const length = message.readInt32LE(keyEnd + 1);
  return { command, collection: message.toString("utf8", keyEnd + 5, keyEnd + 4 + length) };
}

export async function startDbProxy(upstreamUri: string, options: { listening?: boolean } = {}): Promise<DbProxy> {
  const upstream = new URL(upstreamUri);
  const upstreamHost = upstream.hostname;
  const upstreamPort = Number(upstream.port || 27017);
  const connections = new Set<(how?: CutHow) => void>();
  const commands: string[] = [];
  const traps: { trap: CommandTrap; fired: () => void }[] = [];
  let server: Server | undefined;
  let stalled = false;

  const onConnection = (client: Socket) => {
    const database = new Socket();
    let pending = Buffer.alloc(0);
    let cutOnReply: ((reply: Buffer) => void) | undefined;
    let severed = false;
    const cut = (how: CutHow = "destroy") => {
      if (how === "fin" && !severed) {
        // Half-close towards the API and drop the database side; the API's socket learns of the
        // FIN only when it reads, so its next write meets "ended by the other party".
        severed = true;
        database.destroy();
        client.end();
        return;
      }
      severed = true;
      if (how === "reset" && !client.destroyed) client.resetAndDestroy();
      else client.destroy();
      database.destroy();
    };
    connections.add(cut);
    client.on("close", () => {
      connections.delete(cut);
      cut();
    });
    client.on("error", () => cut());
    database.on("close", () => {
      if (!client.writableEnded) cut();
    });
    database.on("error", () => cut());
    database.connect(upstreamPort, upstreamHost);
    client.on("data", (chunk: Buffer) => {
      if (stalled || severed) return;
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER_BYTES && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const { command, collection } = describeCommand(message);
        commands.push(collection ? `${command} ${collection}` : command);
        const index = traps.findIndex(
          ({ trap }) => trap.command === command && (trap.collection === undefined || trap.collection === collection),
        );
        const armed = index >= 0 ? traps.splice(index, 1)[0] : undefined;
        if (armed?.trap.at === "hold") {
          // The driver sends one command at a time on a connection, so nothing queues behind it.
          setTimeout(() => {
            if (!severed) database.write(message);
            armed.fired();
          }, armed.trap.holdMs ?? 0);
          continue;
        }
        if (armed?.trap.at === "before") {
          cut();
          armed.fired();
          return;
        }
        database.write(message);
        if (armed?.trap.at === "after") {
          cutOnReply = () => {
            cut();
            armed.fired();
          };
        } else if (armed?.trap.at === "mid-reply") {
          // Half of the reply gets through, then the connection is reset.
          cutOnReply = (reply) => {
            client.write(reply.subarray(0, Math.max(1, Math.floor(reply.length / 2))), () => {
              cut("reset");
              armed.fired();
            });
          };
        }
      }
    });
    database.on("data", (chunk: Buffer) => {
      if (stalled || severed) return;
      // The database answered, so it ran the command: drop (part of) the answer and the connection.
      if (cutOnReply) return cutOnReply(chunk);
      client.write(chunk);
    });
  };

  let port = options.listening === false ? await reservePort() : 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(onConnection);
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });
  const close = async () => {
    const closing = server;
    server = undefined;
    for (const cut of connections) cut();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  if (options.listening !== false) await listen();

  return {
    get port() {
      return port;
    },
    get uri() {
      return `mongodb://127.0.0.1:${port}/`;
    },
    commands,
    open: () => (server ? Promise.resolve() : listen()),
    close,
    cutAll: (how = "destroy") => {
      for (const cut of connections) cut(how);
    },
    cutOn: (trap) => new Promise<void>((fired) => traps.push({ trap, fired })),
    stall: (on = true) => {
      stalled = on;
    },
    stop: close,
  };
}

/** A port that nothing listens on: bound once to learn a free number, then closed. */
function reservePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

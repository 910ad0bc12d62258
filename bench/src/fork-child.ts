/**
 * A bench child process (`fork` with an IPC channel) and the queue of its messages, so the
 * parent can await "the next message" or "send this and await that reply" without losing a
 * message that arrived before it asked.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** A message between the bench and one of its child processes. */
export type Message = { type: string } & Record<string, unknown>;

/** A forked child and its message queue. */
export interface ForkedChild {
  readonly child: ChildProcess;
  /** The next message not yet taken (an `exit` message once the child has exited). */
  next(): Promise<Message>;
  /**
   * Sends `msg` and resolves with the next message of type `reply` (other messages stay
   * queued, so requests with different replies may overlap); an `error` or `exit` rejects.
   */
  request(msg: Message, reply: string): Promise<Message>;
}

/** Forks `file` (a URL next to the caller's module) with stdout/stderr inherited. */
export function forkChild(file: URL, execArgv: readonly string[] = []): ForkedChild {
  const child = fork(file, [], {
    execArgv: [...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: Message[] = [];
  const waiting: { accepts: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  const push = (m: Message) => {
    const w = waiting.findIndex((x) => x.accepts(m));
    if (w >= 0) waiting.splice(w, 1)[0]?.resolve(m);
    else queue.push(m);
  };
  child.on('message', push);
  // An exit ends every wait.
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.resolve({ type: 'exit', code });
    queue.push({ type: 'exit', code });
  });
  const take = (accepts: (m: Message) => boolean) => {
    const i = queue.findIndex(accepts);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as Message);
    return new Promise<Message>((resolve) => waiting.push({ accepts, resolve }));
  };
  return {
    child,
    next: () => take(() => true),
    async request(msg, reply) {
      const answer = take((m) => m.type === reply || m.type === 'error' || m.type === 'exit');
      child.send(msg);
      const m = await answer;
      if (m.type !== reply) throw new Error(`expected ${reply}, got ${JSON.stringify(m)}`);
      return m;
    },
  };
}

import { DynamoLedgerStore } from '../../../lib/adapters/dynamodb/DynamoLedgerStore.js';
import { LocalSecretStore } from '../../../lib/adapters/local/LocalSecretStore.js';
import { CredentialRotation } from '../../../lib/credentials/CredentialRotation.js';
import { describeKill, KILL_MARKER, type KillSpec } from './KillSpec.js';

type AnyMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/**
 * Runs inside the Perimeter child process (loaded with --import by killHook.mjs): wraps one method
 * on its class prototype, which every instance the app creates shares, so the process kills itself
 * with SIGKILL at exactly the chosen point. Nothing else changes: the hook adds no await to calls it
 * does not target.
 */
export function installKillHook(spec: KillSpec): void {
  const die = (): Promise<never> => {
    // stderr is a pipe, written synchronously on Linux: the parent sees the line before the exit.
    process.stderr.write(`${KILL_MARKER} ${describeKill(spec)}\n`);
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => undefined);
  };
  const around = async (call: () => Promise<unknown>, when: 'before' | 'inflight' | 'after', inflightMs = 0): Promise<unknown> => {
    if (when === 'before') return die();
    const pending = call();
    if (when === 'inflight') {
      // Kill timing: the process dies this long into the call, while it is in flight.
      setTimeout(() => void die(), inflightMs);
      return pending;
    }
    await pending;
    return die();
  };

  switch (spec.at) {
    case 'ledger-insert': {
      let seen = 0;
      wrap(DynamoLedgerStore.prototype, 'insert', (original) =>
        function (this: unknown, ...args: unknown[]) {
          seen++;
          return seen === spec.nth ? around(() => original.apply(this, args), spec.when, spec.inflightMs) : original.apply(this, args);
        },
      );
      return;
    }
    case 'rotation-step':
      wrap(CredentialRotation.prototype, 'step', (original) =>
        function (this: unknown, ...args: unknown[]) {
          if (args[2] !== spec.step) return original.apply(this, args);
          return around(() => original.apply(this, args), spec.when);
        },
      );
      return;
    case 'secret-write':
      wrap(LocalSecretStore.prototype, spec.method, (original) =>
        function (this: unknown, ...args: unknown[]) {
          const stage = spec.method === 'putSecretValue' ? undefined : args[1];
          const targeted = args[0] === spec.secretName && (spec.stage === undefined || stage === spec.stage);
          return targeted ? around(() => original.apply(this, args), spec.when, spec.inflightMs) : original.apply(this, args);
        },
      );
      return;
    case 'http-request': {
      const original = globalThis.fetch;
      globalThis.fetch = function (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (!url.startsWith(spec.url)) return original(input, init);
        return around(() => original(input, init), spec.when, spec.inflightMs) as Promise<Response>;
      } as typeof fetch;
      return;
    }
  }
}

function wrap(target: object, name: string, replace: (original: AnyMethod) => AnyMethod): void {
  const holder = target as Record<string, AnyMethod>;
  const original = holder[name];
  if (typeof original !== 'function') throw new Error(`cannot hook ${name}: not a method`);
  holder[name] = replace(original);
}

// Preloaded into a chaos test's Perimeter child (`--import`), after tsx. The embedded DynamoDB
// worker thread inherits the flag but not tsx's loader, and has nothing to hook: main thread only.
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.env.CHAOS_KILL) {
  const { installKillHook } = await import('./installKillHook.ts');
  installKillHook(JSON.parse(process.env.CHAOS_KILL));
}

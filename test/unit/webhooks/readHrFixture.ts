import { readFileSync } from 'node:fs';

/** A raw request body from test/fixtures/hr/<source>/, exactly as stored: tests sign these bytes. */
export function readHrFixture(source: string, name: string): string {
  return readFileSync(new URL(`../../fixtures/hr/${source}/${name}`, import.meta.url), 'utf8');
}

import { readFileSync } from 'node:fs';

/**
 * Parses one file of docs/protocol/vectors: the test vectors the protocol docs link to, read
 * from the repository so the tests and the docs cannot drift apart.
 */
export function protocolVectors(name: string) {
  const file = new URL(`../../../../docs/protocol/vectors/${name}`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8'));
}

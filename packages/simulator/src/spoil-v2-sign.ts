/** A v2 `sign` with its last character changed: well formed, but wrong. */
export function spoilV2Sign(sign: string): string {
  const last = sign.at(-1) === 'A' ? 'B' : 'A';
  return `${sign.slice(0, -1)}${last}`;
}

/** The optional fields of `T`, each present only with a value. */
export type PresentFields<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * The entries of `fields` that carry a value (neither `undefined` nor the empty string), for
 * spreading optional fields into an answer or a stored record: WeChat Pay leaves an empty
 * field out rather than sending it blank.
 */
export function presentFields<T extends object>(fields: T): PresentFields<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''),
  ) as PresentFields<T>;
}

/** The fields `keys` of `source`, and no other: a view that cannot leak a field by accident. */
export function pickFields<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = source[key];
  return picked;
}

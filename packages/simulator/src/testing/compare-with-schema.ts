/** A schema that can tell whether a value is valid (a zod schema, for one). */
export interface CheckingSchema {
  safeParse(value: unknown): { readonly success: boolean };
}

/** How a fast guard and the schema it stands in for judged one corpus. */
export interface GuardComparison {
  /** Values the guard accepted. */
  readonly accepted: number;
  /** Values both the guard and the schema refused. */
  readonly refusedByBoth: number;
  /** Values the guard accepted although the schema refuses them: must stay empty. */
  readonly acceptedButInvalid: readonly unknown[];
  /** Values the guard refused although the schema accepts them (left to the schema's slower path). */
  readonly refusedButValid: readonly unknown[];
}

/**
 * Runs a fast acceptance guard and the schema it shortcuts over every value of `corpus`. The
 * guard may refuse more than the schema (the slow path then decides) but must never accept a
 * value the schema refuses; the counts show that the corpus exercises both sides.
 */
export function compareWithSchema<T>(
  corpus: Iterable<T>,
  guard: (value: T) => boolean,
  schema: CheckingSchema,
): GuardComparison {
  let accepted = 0;
  let refusedByBoth = 0;
  const acceptedButInvalid: unknown[] = [];
  const refusedButValid: unknown[] = [];
  for (const value of corpus) {
    const valid = schema.safeParse(value).success;
    if (guard(value)) {
      accepted++;
      if (!valid) acceptedButInvalid.push(value);
    } else if (valid) refusedButValid.push(value);
    else refusedByBoth++;
  }
  return { accepted, refusedByBoth, acceptedButInvalid, refusedButValid };
}

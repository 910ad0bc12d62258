/**
 * Waits for `promise` and returns the error it rejected with. Throws, and so fails the test,
 * when it fulfils instead or rejects with something that is not an `Error` (every wxpay
 * failure is a typed `Error`, so anything else is a defect worth seeing).
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, the promise rejected with ${String(error)}`);
  }
  throw new Error(`expected a rejection, the promise fulfilled with ${String(outcome)}`);
}

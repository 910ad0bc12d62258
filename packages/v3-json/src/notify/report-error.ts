/**
 * Calls the merchant's `onError` hook without letting it break the acknowledgement: a hook that
 * throws must not leave WeChat Pay's request unanswered or reject the handler's promise (an
 * unhandled rejection under node:http).
 */
export function reportError(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // The hook's own failure is the merchant's to log; the notification still gets its answer.
  }
}

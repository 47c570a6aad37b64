/**
 * A WeChat API called without callbacks returns a promise that rejects when the call fails (hideLoading
 * with nothing showing, a title set while the page closes). The calls passed here are best effort: a
 * failure is dropped rather than left as an unhandled rejection.
 */
export function bestEffort(call: Promise<unknown> | void): void {
  Promise.resolve(call).catch(() => undefined);
}

/** The mini program's clock: the one place that reads the phone's time (services take it from here). */
export function now(): number {
  return Date.now();
}

/** Calls `fn` every `ms` until the returned function is called (a live clock on screen). */
export function every(ms: number, fn: () => void): () => void {
  const handle = setInterval(fn, ms);
  return () => clearInterval(handle);
}

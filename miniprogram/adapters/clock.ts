/** The mini program's clock: the one place that reads the phone's time (services take it from here). */
export function now(): number {
  return Date.now();
}

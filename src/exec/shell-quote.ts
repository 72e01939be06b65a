import { quote } from 'shell-quote';

/** A paste-able shell rendering of an argv (for plans, logs and failure reports only: never executed). */
export function shellQuote(argv: readonly string[]): string {
  return quote([...argv]);
}

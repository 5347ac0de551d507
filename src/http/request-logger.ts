import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

type LogFn = (...args: unknown[]) => void;

/**
 * Fastify gives every request its own child logger so that each line carries the request's id.
 * pino builds a child eagerly: it serialises the bindings and sets up the redaction for them,
 * ~5 % of the server thread's time per request in the API benchmark, spent even when the request
 * writes no line (the usual case at level `warn`, and for most requests at `info` apart from
 * Fastify's own two lines). This logger makes the real child on the first line written at an
 * enabled level; until then it only answers level questions from its parent. Lines, bindings
 * and redaction are exactly pino's.
 */
class LazyRequestLogger {
  #child: Logger | undefined;
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #opts: ChildLoggerOptions;

  constructor(parent: Logger, bindings: Bindings, opts: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = opts;
  }

  #real(): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#opts));
  }

  #write(level: Level, args: unknown[]): void {
    if (this.isLevelEnabled(level)) (this.#real()[level] as LogFn)(...args);
  }

  get level(): string { return (this.#child ?? this.#parent).level; }
  set level(level: string) { this.#real().level = level; }
  isLevelEnabled(level: string): boolean { return (this.#child ?? this.#parent).isLevelEnabled(level); }
  bindings(): Bindings { return this.#real().bindings(); }
  child(bindings: Bindings, opts?: ChildLoggerOptions): Logger { return this.#real().child(bindings, opts); }

  fatal(...args: unknown[]): void { this.#write('fatal', args); }
  error(...args: unknown[]): void { this.#write('error', args); }
  warn(...args: unknown[]): void { this.#write('warn', args); }
  info(...args: unknown[]): void { this.#write('info', args); }
  debug(...args: unknown[]): void { this.#write('debug', args); }
  trace(...args: unknown[]): void { this.#write('trace', args); }
  silent(): void {}
}

/** Fastify's `childLoggerFactory`: a request logger whose pino child is made on first use. */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  // The parent is the server's pino logger (app/logger.ts), which Fastify types by its base shape.
  return new LazyRequestLogger(parent as Logger, bindings, opts) as unknown as FastifyBaseLogger;
}

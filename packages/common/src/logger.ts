import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The one logger factory. Child loggers carry a `component` so logs say where they came from. */
export function createLogger(opts: { level?: LogLevel; name?: string } = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    name: opts.name ?? 'hotline',
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', '*.token', '*.secret', '*.privateKey'],
      censor: '[redacted]',
    },
  };
  return pino(options);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

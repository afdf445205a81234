import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redact } from './sources/redact.js';

export type Logger = PinoLogger;

/**
 * Every log line passes through the redactor: whatever a message or an error carries, a configured
 * secret never reaches the output.
 */
export function createLogger(options: { secrets: () => readonly string[]; level?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: undefined,
      hooks: { streamWrite: (line) => redact(line, options.secrets()) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

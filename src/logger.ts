import pino from 'pino';

/** JSON lines. Secrets are never passed to the logger; redaction is a second line of defence. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'twostep-idp' },
    redact: {
      paths: ['password', '*.password', 'code', '*.code', 'secret', '*.secret', 'token', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

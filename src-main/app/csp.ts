// One Content Security Policy for both shells: no inline scripts, no eval, no remote anything.
// React sets styles through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

// The loopback mail servers live with the reference exchange (reference-backend/mail-servers.ts), since
// `npm run demo` runs them too; the tests use the same ones.
export * from '../../reference-backend/mail-servers';

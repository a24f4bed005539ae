import { startBackend } from '../reference-backend/server';

// The reference backend in a process of its own, for the sync suite: the exchange's backend runs on
// another machine, so its serving of the pages is not the workstation's work.
// argv: DB_FILE TOKEN. Prints {"url": …} once listening; test hooks on (the suite adds live cases).
const [dbFile, token] = process.argv.slice(2) as [string, string];
const backend = await startBackend({ dbFile, token, testHooks: true });
process.stdout.write(JSON.stringify({ url: backend.url }) + '\n');
process.once('SIGTERM', () => void backend.close().then(() => process.exit(0)));

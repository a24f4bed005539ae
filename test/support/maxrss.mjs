// Preloaded into a CLI child (node --import) by the fuzz test: on exit the child writes the most
// memory it ever held (process.resourceUsage().maxRSS, in KiB) where WAYBILL_MAXRSS_FILE says.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.WAYBILL_MAXRSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});

import { readdirSync, readFileSync } from 'node:fs';

/** Each live thread of this process with its niceness (Linux /proc: field 19 of its stat line). */
export function threadNiceness(): { tid: number; nice: number }[] {
  const out: { tid: number; nice: number }[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(tid), nice: Number(fields[16]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

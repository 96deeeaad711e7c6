import { execFileSync } from 'node:child_process';

/** How many processes run below this one (read from `ps`; the `ps` itself not counted). */
export function countDescendants() {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  let n = 0;
  const walk = (p) => (kids.get(p) ?? []).forEach((c) => (n++, walk(c)));
  walk(process.pid);
  return n - 1;
}

// Docker-style tables: upper-case headers, columns padded to the widest cell plus three
// spaces, no trailing padding on the last column.
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** "3 seconds ago", "About a minute ago", "2 hours ago" as Docker prints them. */
export function humanDuration(seconds: number): string {
  if (seconds < 1) return 'Less than a second';
  if (seconds < 60) return `${Math.floor(seconds)} second${Math.floor(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  const days = Math.round(seconds / 86400);
  if (days < 14) return `${days} days`;
  const weeks = Math.round(seconds / (86400 * 7));
  if (days < 60) return `${weeks} weeks`;
  return `${Math.round(seconds / (86400 * 30))} months`;
}

/** Sizes as Docker prints them (decimal units): 4.26MB, 1.2kB. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 ? String(value) : value.toPrecision(3).replace(/\.?0+$/, '');
  return `${text}${units[unit]}`;
}

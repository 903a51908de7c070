// What is wrong with a configuration, in words a field technician can act on.

export interface ConfigIssue {
  /** Dotted key path, e.g. "camera.fps". */
  path: string;
  /** What is wrong, e.g. "unknown key" or "must be a number from 0.5 to 60". */
  problem: string;
  /** The offending value as given, when there is one. */
  value?: unknown;
  /** What would be accepted. */
  allowed?: string;
  /** Where the value came from: a file (with line) or an environment variable. */
  source?: string;
  /** e.g. "did you mean camera.fps?" */
  hint?: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
        .map((i) => `  - ${formatIssue(i)}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const parts = [`${issue.path}: ${issue.problem}`];
  if ('value' in issue) parts.push(`got ${JSON.stringify(issue.value)}`);
  if (issue.allowed) parts.push(`allowed: ${issue.allowed}`);
  if (issue.hint) parts.push(issue.hint);
  const where = issue.source ? ` [${issue.source}]` : '';
  return `${parts.join('; ')}${where}`;
}

/** Levenshtein distance, case-insensitive (typos like "fsp" or "baseTopik"). */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[t.length] ?? 0;
}

/** The closest candidate within a typo's reach, or undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const reach = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= reach ? best : undefined;
}

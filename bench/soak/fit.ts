/** One memory sample of the gateway under load. */
export interface Sample {
  /** Seconds since the load started. */
  t: number;
  texts: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

/** Least-squares slope of `y` over `x` (NaN with fewer than two points). */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** RSS slope in MB per 10 minutes over the samples of the last half of [from, to] (seconds). */
export function rssSlopePer10Min(samples: Sample[], from: number, to: number): number {
  const mid = (from + to) / 2;
  return slope(samples.filter((s) => s.t >= mid && s.t <= to).map((s) => ({ x: s.t, y: s.rssMb }))) * 600;
}

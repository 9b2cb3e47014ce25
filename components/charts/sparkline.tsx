// A tiny inline trend line for a handful of readings; plain SVG, no chart library.

export function Sparkline({
  values,
  width = 64,
  height = 18,
  className = "",
  label,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  className?: string;
  /** Accessible description; without one the line is decorative. */
  label?: string;
}) {
  const points = sparklinePoints(values, width, height);
  if (!points) return <span aria-hidden className="inline-block" style={{ width, height }} />;
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={"inline-block shrink-0 overflow-visible " + className}
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

/**
 * SVG polyline points from zero (bottom) to the largest reading (top), so a small wobble on a big
 * backlog looks as small as it is. Null with fewer than two readings.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number): string | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return null;
  const min = Math.min(0, ...finite);
  const max = Math.max(...finite);
  const pad = 1.5;
  const h = height - pad * 2;
  const stepX = width / (finite.length - 1);
  return finite
    .map((v, i) => {
      const y = max === min ? pad + h : pad + h - ((v - min) / (max - min)) * h;
      return `${(i * stepX).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

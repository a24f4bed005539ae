// Small SVG charts: attributes, not styles, so nothing needs 'unsafe-inline'. Colours come from
// CSS classes; every chart has a text alternative and a table beside it.

export function StackedBars({
  data,
  series,
  label,
  height = 140,
}: {
  data: { key: string; values: number[] }[];
  series: string[];
  label: string;
  height?: number;
}) {
  const max = Math.max(1, ...data.map((d) => d.values.reduce((a, b) => a + b, 0)));
  const w = 18;
  const gap = 4;
  const width = data.length * (w + gap);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={label}>
      {data.map((d, i) => {
        let y = height;
        return (
          <g key={d.key}>
            {d.values.map((v, s) => {
              const h = (v / max) * height;
              y -= h;
              return (
                <rect key={series[s]} className={`bar s${s}`} x={i * (w + gap)} y={y} width={w} height={h}>
                  <title>{`${d.key}: ${series[s]} ${v}`}</title>
                </rect>
              );
            })}
            {i % 5 === 0 && (
              <text x={i * (w + gap)} y={height + 12} className="axis">
                {d.key.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function RateBars({
  data,
  label,
  height = 120,
}: {
  data: { key: string; rate: number | null }[];
  label: string;
  height?: number;
}) {
  const w = 28;
  const gap = 6;
  return (
    <svg className="chart" viewBox={`0 0 ${data.length * (w + gap)} ${height + 16}`} role="img" aria-label={label}>
      {data.map((d, i) => {
        const h = (d.rate ?? 0) * height;
        return (
          <g key={d.key}>
            <rect
              className={d.rate === null ? 'bar empty' : 'bar s2'}
              x={i * (w + gap)}
              y={height - h}
              width={w}
              height={Math.max(h, d.rate === null ? 0 : 1)}
            >
              <title>{`${d.key}: ${d.rate === null ? 'no decisions' : `${Math.round(d.rate * 100)} % rejected`}`}</title>
            </rect>
            {i % 3 === 0 && (
              <text x={i * (w + gap)} y={height + 12} className="axis">
                {d.key.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

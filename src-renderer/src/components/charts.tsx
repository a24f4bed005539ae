// Small SVG charts: attributes, not styles, so nothing needs 'unsafe-inline'. Colours come from
// CSS classes; every chart has a text alternative and a table beside it. Every chart has both axes,
// each with a title that names its unit, and each category label is centred under its own bar (issue 18
// point 8: the week labels used to start at the bar's left edge, so they drifted right of their bars).

/** Room for the y axis's tick labels and title (left) and the x axis's labels and title (bottom). */
const M = { left: 44, right: 8, top: 8, bottom: 34 };

interface Tick {
  value: number;
  label: string;
}

/** 0, a middle and a top tick for counts: whole numbers only. */
function countTicks(max: number): Tick[] {
  const top = Math.max(1, max);
  const mid = Math.round(top / 2);
  return [0, ...(mid > 0 && mid < top ? [mid] : []), top].map((v) => ({ value: v, label: v.toLocaleString() }));
}

function Axes({
  plotWidth,
  plotHeight,
  max,
  ticks,
  xTitle,
  yTitle,
}: {
  plotWidth: number;
  plotHeight: number;
  max: number;
  ticks: Tick[];
  xTitle: string;
  yTitle: string;
}) {
  const bottom = M.top + plotHeight;
  return (
    <g className="axes" aria-hidden="true">
      <g data-axis="y">
        <line className="axis-line" x1={M.left} y1={M.top} x2={M.left} y2={bottom} />
        {ticks.map((t) => {
          const y = bottom - (t.value / max) * plotHeight;
          return (
            <g key={t.value}>
              <line className="grid-line" x1={M.left} y1={y} x2={M.left + plotWidth} y2={y} />
              <text className="axis" x={M.left - 4} y={y + 3} textAnchor="end">
                {t.label}
              </text>
            </g>
          );
        })}
        <text
          className="axis-title"
          data-axis-title="y"
          transform={`translate(10 ${M.top + plotHeight / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yTitle}
        </text>
      </g>
      <g data-axis="x">
        <line className="axis-line" x1={M.left} y1={bottom} x2={M.left + plotWidth} y2={bottom} />
        <text
          className="axis-title"
          data-axis-title="x"
          x={M.left + plotWidth / 2}
          y={bottom + M.bottom - 4}
          textAnchor="middle"
        >
          {xTitle}
        </text>
      </g>
    </g>
  );
}

/** A category label centred under the bar whose left edge is `x` and width `w`. */
function XLabel({ x, w, y, text }: { x: number; w: number; y: number; text: string }) {
  return (
    <text className="axis" data-x-label={text} x={x + w / 2} y={y} textAnchor="middle">
      {text}
    </text>
  );
}

export function StackedBars({
  data,
  series,
  label,
  xTitle,
  yTitle,
  height = 120,
}: {
  data: { key: string; values: number[] }[];
  series: string[];
  label: string;
  xTitle: string;
  yTitle: string;
  height?: number;
}) {
  const ticks = countTicks(Math.max(0, ...data.map((d) => d.values.reduce((a, b) => a + b, 0))));
  const max = ticks[ticks.length - 1]!.value;
  const w = 18;
  const gap = 4;
  const plotWidth = data.length * (w + gap);
  const bottom = M.top + height;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${M.left + plotWidth + M.right} ${M.top + height + M.bottom}`}
      role="img"
      aria-label={label}
    >
      <Axes plotWidth={plotWidth} plotHeight={height} max={max} ticks={ticks} xTitle={xTitle} yTitle={yTitle} />
      {data.map((d, i) => {
        const x = M.left + i * (w + gap) + gap / 2;
        let y = bottom;
        return (
          <g key={d.key} data-bar={d.key}>
            {d.values.map((v, s) => {
              const h = (v / max) * height;
              y -= h;
              return (
                <rect key={series[s]} className={`bar s${s}`} x={x} y={y} width={w} height={h}>
                  <title>{`${d.key}: ${series[s]} ${v}`}</title>
                </rect>
              );
            })}
            {i % 5 === 0 && <XLabel x={x} w={w} y={bottom + 12} text={d.key.slice(5)} />}
          </g>
        );
      })}
    </svg>
  );
}

export function RateBars({
  data,
  label,
  xTitle,
  yTitle,
  height = 110,
}: {
  data: { key: string; rate: number | null }[];
  label: string;
  xTitle: string;
  yTitle: string;
  height?: number;
}) {
  const w = 28;
  const gap = 8;
  const plotWidth = data.length * (w + gap);
  const bottom = M.top + height;
  const ticks = [0, 0.5, 1].map((v) => ({ value: v, label: `${v * 100} %` }));
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${M.left + plotWidth + M.right} ${M.top + height + M.bottom}`}
      role="img"
      aria-label={label}
    >
      <Axes plotWidth={plotWidth} plotHeight={height} max={1} ticks={ticks} xTitle={xTitle} yTitle={yTitle} />
      {data.map((d, i) => {
        const x = M.left + i * (w + gap) + gap / 2;
        const h = (d.rate ?? 0) * height;
        return (
          <g key={d.key} data-bar={d.key.slice(5)}>
            <rect
              className={d.rate === null ? 'bar empty' : 'bar s2'}
              x={x}
              y={bottom - h}
              width={w}
              height={Math.max(h, d.rate === null ? 0 : 1)}
            >
              <title>{`${d.key}: ${d.rate === null ? 'no decisions' : `${Math.round(d.rate * 100)} % rejected`}`}</title>
            </rect>
            <XLabel x={x} w={w} y={bottom + 12} text={d.key.slice(5)} />
          </g>
        );
      })}
    </svg>
  );
}

// Bar charts drawn with HTML: the numbers are text next to each bar, so the chart reads the same
// to a screen reader, at 360 px, and in the high-contrast theme.
export type ChartRow = { label: string; values: number[] };

type Props = { title: string; series: string[]; rows: ChartRow[]; format?: (value: number) => string };

export function BarChart({ title, series, rows, format = String }: Props) {
  const max = Math.max(1, ...rows.flatMap((row) => row.values));
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {series.length > 1 ? (
        <ul class="legend" aria-label="Legend">
          {series.map((name, index) => (
            <li key={name}><span class={`swatch series-${index}`} aria-hidden="true" />{name}</li>
          ))}
        </ul>
      ) : null}
      <dl class="bars">
        {rows.map((row, rowIndex) => (
          <div class="bar-row" key={rowIndex}>
            <dt>{row.label}</dt>
            {row.values.map((value, index) => (
              <dd key={index} class="bar-cell">
                <span class={`bar series-${index}`} style={{ width: `${(value / max) * 100}%` }} aria-hidden="true" />
                <span class="bar-value">{series.length > 1 ? `${series[index]}: ` : ""}{format(value)}</span>
              </dd>
            ))}
          </div>
        ))}
      </dl>
    </figure>
  );
}

export function Meter({ label, share, detail }: { label: string; share: number; detail: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, share)) * 100);
  return (
    <div class="meter">
      <div class="meter-label"><span>{label}</span><span>{percent} %</span></div>
      <div class="meter-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${percent} percent, ${detail}`}>
        <span class="meter-fill" style={{ width: `${percent}%` }} />
      </div>
      <p class="meter-detail">{detail}</p>
    </div>
  );
}

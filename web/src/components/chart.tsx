/** A bar or line chart (Chart.js, only the parts used), with its figures as the accessible name. */
import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

const COLOURS = ['#1f5fa8', '#b3541e', '#2e7d32', '#6a1b9a'];

export interface Series {
  label: string;
  values: number[];
}

export function ChartFigure({
  title,
  kind,
  labels,
  series,
}: {
  title: string;
  kind: 'bar' | 'line';
  labels: string[];
  series: Series[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Drawn again only when the figures change, not on every render.
  const figures = JSON.stringify([kind, labels, series]);
  useEffect(() => {
    const chart = new Chart(canvas.current!, {
      type: kind,
      data: {
        labels,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: COLOURS[i % COLOURS.length],
          borderColor: COLOURS[i % COLOURS.length],
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: series.length > 1 } },
        scales: { y: { beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [figures]);
  const summary =
    labels.length === 0
      ? 'no data yet'
      : series.map((s) => `${s.label}: ${labels.map((l, i) => `${l} ${s.values[i]}`).join(', ')}`).join('; ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}: ${summary}`} />
      </div>
    </figure>
  );
}

// The class attention chart (uPlot): attentive share in % over the current lesson.
import uPlot from '/vendor/uplot/uPlot.esm.js';

export class AttentionChart {
  constructor(box, points) {
    const width = Math.max(280, box.clientWidth || 600);
    const data = [
      points.map((p) => p.tMs / 1000),
      points.map((p) => Math.round(p.attentiveShare * 100)),
    ];
    this.plot = new uPlot(
      {
        width,
        height: 200,
        scales: { y: { range: [0, 100] } },
        axes: [{}, { values: (_, ticks) => ticks.map((v) => `${v} %`) }],
        series: [
          {},
          { label: 'attentive', stroke: '#1f6feb', width: 2, fill: 'rgba(31,111,235,0.12)' },
        ],
        legend: { show: false },
      },
      data,
      box,
    );
  }

  destroy() {
    this.plot.destroy();
  }
}

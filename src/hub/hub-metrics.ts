// The hub's Prometheus metrics (metrics.enabled in the hub config): read at scrape time from the
// counters the health endpoint and the admin page already show, on the shared MetricSet
// (src/metrics/), so a school's Grafana watches the hub next to its boxes. Names: docs/hub.md.
import type { MetricSet } from '../metrics/metric-set.js';
import type { IngestStats } from './mqtt-ingest.js';

export interface HubMetricSources {
  ingest: () => IngestStats;
  /** Open dashboard streams (SSE). */
  streams: () => number;
  /** Events written to those streams since start. */
  eventsSent: () => number;
  /** Rooms the hub knows (from messages or from the users' room lists). */
  rooms: () => number;
}

export function registerHubMetrics(metrics: MetricSet, sources: HubMetricSources): void {
  metrics.counter({
    name: 'classpulse_hub_messages_total',
    help: "MQTT messages from the boxes: 'accepted' into the room state and history, 'refused' (malformed, off-schema, or image- or embedding-like).",
    labelNames: ['result'],
    read: () => {
      const stats = sources.ingest();
      return [
        [{ result: 'accepted' }, stats.accepted],
        [{ result: 'refused' }, stats.refused],
      ];
    },
  });
  metrics.counter({
    name: 'classpulse_hub_messages_refused_privacy_total',
    help: 'Of the refused messages, those that looked like an image, an embedding or binary data.',
    read: () => sources.ingest().refusedPrivacy,
  });
  metrics.counter({
    name: 'classpulse_hub_history_messages_total',
    help: 'Class summaries and alerts this hub took for the history: all of them, or its share with mqtt.sharedGroup.',
    read: () => sources.ingest().forHistory,
  });
  metrics.gauge({
    name: 'classpulse_hub_mqtt_connected',
    help: '1 while the hub is connected to the broker (both connections with mqtt.sharedGroup), else 0.',
    read: () => (sources.ingest().connected ? 1 : 0),
  });
  metrics.counter({
    name: 'classpulse_hub_mqtt_reconnects_total',
    help: 'Connections to the broker after the first one.',
    read: () => sources.ingest().reconnects,
  });
  metrics.gauge({
    name: 'classpulse_hub_sse_streams',
    help: 'Dashboards connected for live updates (Server-Sent Events streams).',
    read: sources.streams,
  });
  metrics.counter({
    name: 'classpulse_hub_sse_events_total',
    help: 'Live events written to dashboards (one per stream a message went to).',
    read: sources.eventsSent,
  });
  metrics.gauge({
    name: 'classpulse_hub_rooms',
    help: 'Rooms the hub shows.',
    read: sources.rooms,
  });
}

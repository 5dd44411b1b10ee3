import { Counter, Histogram, type Registry } from 'prom-client';

// Delivery metrics on the process registry. Labelled by notification kind (a small fixed set:
// notification types and one-off callback kinds), never by subscription or URL.

export interface NotifyMetrics {
  delivered: Counter<'kind'>;
  failed: Counter<'kind'>;
  retried: Counter<'kind'>;
  latency: Histogram<'kind'>;
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  // Several notifiers may share one registry (tests, or a restarted notifier in one process).
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function notifyMetrics(registry: Registry): NotifyMetrics {
  const registers = [registry];
  return {
    delivered: reuse(registry, 'mecano_notifications_delivered_total', () =>
      new Counter({ name: 'mecano_notifications_delivered_total', help: 'Notifications and callbacks delivered (2xx)', labelNames: ['kind'], registers }),
    ),
    failed: reuse(registry, 'mecano_notifications_failed_total', () =>
      new Counter({ name: 'mecano_notifications_failed_total', help: 'Notifications given up (retry horizon passed, or 410 Gone)', labelNames: ['kind'], registers }),
    ),
    retried: reuse(registry, 'mecano_notifications_retried_total', () =>
      new Counter({ name: 'mecano_notifications_retried_total', help: 'Failed delivery attempts scheduled for a retry', labelNames: ['kind'], registers }),
    ),
    latency: reuse(registry, 'mecano_notification_delivery_latency_seconds', () =>
      new Histogram({
        name: 'mecano_notification_delivery_latency_seconds',
        help: 'From the state change (outbox row written) to the subscriber answering 2xx',
        labelNames: ['kind'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
        registers,
      }),
    ),
  };
}

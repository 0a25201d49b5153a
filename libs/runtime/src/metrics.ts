/**
 * A private prom-client registry per service with the default process metrics, all named
 * `penguincast_*`. Services add their domain metrics to the registry they are given.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Prefix of every metric the project exports. */
export const METRIC_PREFIX = 'penguincast_';

/** Creates a registry with default process metrics labelled by service. */
export function createRegistry(service: string, instance: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service, instance });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

/**
 * The endpoints every service answers: `/healthz` (the process runs), `/readyz` (its
 * dependencies answer) and `/metrics` (Prometheus text). An Express router, mounted by each app.
 */
import { Router, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';

/** The paths of {@link healthRouter}, which the raw-TCP doors hand to a service's health app. */
export const HEALTH_PATHS: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

/** A named readiness check; it resolves to true when the dependency can be used. */
export interface ReadinessCheck {
  name: string;
  check: () => boolean | Promise<boolean>;
}

/** Builds the health and metrics router. */
export function healthRouter(registry: Registry, checks: readonly ReadinessCheck[] = []): Router {
  const router = Router();
  router.get('/healthz', (_req: Request, res: Response) => {
    res.type('application/json').send('{"status":"ok"}');
  });
  router.get('/readyz', async (_req: Request, res: Response) => {
    const results: Record<string, boolean> = {};
    for (const c of checks) {
      try {
        results[c.name] = await c.check();
      } catch {
        results[c.name] = false;
      }
    }
    const ready = Object.values(results).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  router.get('/metrics', async (_req: Request, res: Response) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

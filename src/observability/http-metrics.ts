import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * Request count and latency per route and status, kept lean: the API's hot path pays one hook
 * call, two Map lookups (route → status → series), a bucket scan and three additions. No label
 * objects, no hashing, no string building per request; the text format is built on scrape.
 *
 * The route label is the route pattern Fastify matched ("/2fa/2/pin/:pinId/verify"), never the
 * raw URL; requests that match no route count as route "unmatched". Cardinality is therefore
 * routes × methods × statuses seen.
 */

/** Upper bounds in seconds: SQLite verifies take ~0.2 ms, sends ~0.5 ms, PostgreSQL a few ms. */
export const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Series {
  buckets: Float64Array;
  sum: number;
  count: number;
}

class RouteSeries {
  readonly byStatus = new Map<number, Series>();
  constructor(readonly method: string, readonly route: string) {}

  observe(status: number, seconds: number): void {
    let s = this.byStatus.get(status);
    if (!s) {
      s = { buckets: new Float64Array(HTTP_BUCKETS.length), sum: 0, count: 0 };
      this.byStatus.set(status, s);
    }
    for (let i = 0; i < HTTP_BUCKETS.length; i++) {
      if (seconds <= (HTTP_BUCKETS[i] as number)) { s.buckets[i]!++; break; }
    }
    s.sum += seconds;
    s.count++;
  }
}

export interface PromValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class HttpMetrics {
  private readonly routes = new Map<string, RouteSeries>();
  private readonly unmatched = new Map<string, RouteSeries>();

  /** The series of one route; made once, when the route is registered. */
  route(method: string, url: string): RouteSeries {
    const key = `${method} ${url}`;
    let r = this.routes.get(key);
    if (!r) { r = new RouteSeries(method, url); this.routes.set(key, r); }
    return r;
  }

  /** Requests no route matched (404s, malformed URLs), per method; unknown methods share "OTHER". */
  unmatchedRoute(method: string): RouteSeries {
    const m = KNOWN_METHODS.has(method) ? method : 'OTHER';
    let r = this.unmatched.get(m);
    if (!r) { r = new RouteSeries(m, 'unmatched'); this.unmatched.set(m, r); }
    return r;
  }

  /** The histogram's samples in prom-client's shape (cumulative buckets, +Inf, sum, count). */
  values(name: string): PromValue[] {
    const out: PromValue[] = [];
    for (const r of [...this.routes.values(), ...this.unmatched.values()]) {
      for (const [status, s] of r.byStatus) {
        const labels = { method: r.method, route: r.route, status: String(status) };
        let acc = 0;
        HTTP_BUCKETS.forEach((le, i) => {
          acc += s.buckets[i] as number;
          out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: acc });
        });
        out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
        out.push({ metricName: `${name}_sum`, labels, value: s.sum });
        out.push({ metricName: `${name}_count`, labels, value: s.count });
      }
    }
    return out;
  }
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Hook = (req: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/**
 * Attaches the measurement to `app`. Call before any route is registered: every route then gets
 * its own onResponse hook that knows its series (no routeOptions lookup per request), and one
 * app-wide hook counts the requests no route matched.
 */
export function instrumentHttp(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onRoute', (opts: RouteOptions) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    const series = metrics.route(methods.join(','), opts.url);
    const hook: Hook = (_req, reply, done) => { series.observe(reply.statusCode, reply.elapsedTime / 1000); done(); };
    const existing = opts.onResponse;
    opts.onResponse = (existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook]) as RouteOptions['onResponse'];
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (req.is404) metrics.unmatchedRoute(req.method).observe(reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

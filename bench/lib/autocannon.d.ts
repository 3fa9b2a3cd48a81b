// The part of autocannon 8's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Requests per second over all connections (a fixed rate instead of as fast as the server answers). */
    overallRate?: number;
    /** Total requests; overrides duration. */
    amount?: number;
    timeout?: number;
  }
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }
  interface Result {
    duration: number;
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  /** The running load: awaitable for its result, and an emitter of each request's error. */
  interface Instance extends PromiseLike<Result> {
    on(event: 'reqError', listener: (error: Error & { code?: string }) => void): this;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
  export type { Instance, Options, Result };
}

import type { TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrismaInstrumentation } from '@prisma/instrumentation';

export interface Tracing {
  provider: TracerProvider;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry for the gateway: spans for GraphQL operations (see gateway.ts) and, through
 * Prisma's instrumentation, for database calls, sent to `processor` (an OTLP exporter in
 * production, an in-memory one in tests).
 */
export function startTracing(processor: SpanProcessor): Tracing {
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': 'invitegate' }),
    spanProcessors: [processor],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new PrismaInstrumentation()],
  });
  return {
    provider,
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

/** Spans batched to an OTLP/HTTP collector at `endpoint` (e.g. http://collector:4318). */
export function otlpProcessor(endpoint: string): SpanProcessor {
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }));
}

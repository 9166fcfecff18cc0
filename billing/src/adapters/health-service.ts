/**
 * grpc.health.v1.Health: the serving status of the server ("") and of each service by name.
 * On shutdown every status turns NOT_SERVING and open Watch streams end, so they do not hold the drain.
 */
import { status, type ServerWritableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from '../../../proto/gen/grpc/health/v1/health';

export { ServingStatus };

export class HealthStatus {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<{
    service: string;
    call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;
  }>();

  constructor(services: string[]) {
    for (const service of ['', ...services]) this.statuses.set(service, ServingStatus.SERVING);
  }

  set(service: string, value: ServingStatus): void {
    this.statuses.set(service, value);
    for (const watcher of this.watchers) if (watcher.service === service) watcher.call.write({ status: value });
  }

  /** Every service NOT_SERVING, then the Watch streams end. */
  shutdown(): void {
    for (const service of [...this.statuses.keys()]) this.set(service, ServingStatus.NOT_SERVING);
    for (const watcher of this.watchers) watcher.call.end();
    this.watchers.clear();
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  service(): HealthServer {
    return {
      check: (call, callback) => {
        const current = this.statuses.get(call.request.service);
        if (current === undefined) callback({ code: status.NOT_FOUND, details: 'unknown service' });
        else callback(null, { status: current });
      },
      watch: (call) => {
        const watcher = { service: call.request.service, call };
        this.watchers.add(watcher);
        call.write({ status: this.statuses.get(watcher.service) ?? ServingStatus.SERVICE_UNKNOWN });
        call.on('cancelled', () => this.watchers.delete(watcher));
      },
    };
  }
}

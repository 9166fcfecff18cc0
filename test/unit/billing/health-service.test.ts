import { status } from '@grpc/grpc-js';
import { HealthStatus, ServingStatus } from '../../../billing/src/adapters/health-service';

function check(health: HealthStatus, service: string) {
  return new Promise<{ code?: number; status?: number }>((resolve) => {
    health
      .service()
      .check({ request: { service } } as never, (error, response) =>
        resolve(error ? { code: (error as { code: number }).code } : { status: response!.status }),
      );
  });
}

it('reports the server ("") and each named service SERVING, unknown services NOT_FOUND', async () => {
  const health = new HealthStatus(['BillingService']);
  expect(await check(health, '')).toEqual({ status: ServingStatus.SERVING });
  expect(await check(health, 'BillingService')).toEqual({ status: ServingStatus.SERVING });
  expect(await check(health, 'Other')).toEqual({ code: status.NOT_FOUND });
});

it('turns every service NOT_SERVING on shutdown', async () => {
  const health = new HealthStatus(['BillingService']);
  health.shutdown();
  expect(await check(health, '')).toEqual({ status: ServingStatus.NOT_SERVING });
  expect(await check(health, 'BillingService')).toEqual({ status: ServingStatus.NOT_SERVING });
});

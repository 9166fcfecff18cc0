/** The GET /api/analytics response, for the OpenAPI document. */
import { z } from 'zod';

const count = z.number().int().min(0);

export const Analytics = z.object({
  totalPatients: z.number().int(),
  registrationsByDay: z.array(z.object({ date: z.iso.date(), count })),
  byState: z.record(z.string(), count),
  byAgeBand: z.object({ '0-17': count, '18-34': count, '35-49': count, '50-64': count, '65+': count }),
  byGender: z.record(z.string(), count),
  eventsProcessed: count,
  lastEventAt: z.iso.datetime().nullable(),
  billing: z
    .object({
      accountsOpened: count,
      currencies: z
        .record(z.string(), z.object({ charged: count, paid: count, refunded: count, outstanding: z.number().int() }))
        .meta({ description: 'Per ISO 4217 currency, minor units; outstanding = charged − paid + refunded' }),
      byDay: z.array(
        z.object({ date: z.iso.date(), currency: z.string(), charged: count, paid: count, refunded: count }),
      ),
    })
    .meta({ description: 'Counted from topic "billing", exactly once per event' }),
});

/** The GET /api/analytics response, for the OpenAPI document. */
import * as z from '../commons/zod';

const count = z.number().check(z.int(), z.minimum(0));

export const Analytics = z.object({
  totalPatients: z.number().check(z.int()),
  registrationsByDay: z.array(z.object({ date: z.iso.date(), count })),
  byState: z.record(z.string(), count),
  byAgeBand: z.object({ '0-17': count, '18-34': count, '35-49': count, '50-64': count, '65+': count }),
  byGender: z.record(z.string(), count),
  eventsProcessed: count,
  lastEventAt: z.nullable(z.iso.datetime()),
  billing: z
    .object({
      accountsOpened: count,
      currencies: z
        .record(
          z.string(),
          z.object({ charged: count, paid: count, refunded: count, outstanding: z.number().check(z.int()) }),
        )
        .check(z.meta({ description: 'Per ISO 4217 currency, minor units; outstanding = charged − paid + refunded' })),
      byDay: z.array(
        z.object({ date: z.iso.date(), currency: z.string(), charged: count, paid: count, refunded: count }),
      ),
    })
    .check(z.meta({ description: 'Counted from topic "billing", exactly once per event' })),
});

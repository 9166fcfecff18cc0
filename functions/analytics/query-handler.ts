/** GET /api/analytics: the aggregates of topics patient and billing, for admins and clinicians. */
import { checkingToken } from '../authorizer/in-function';
import { callerOf } from '../commons/caller';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { forbidden } from '../commons/errors';
import { httpHandler, json } from '../commons/http';
import { figuresOf } from './aggregates';
import { billingFiguresOf } from './billing-aggregates';
import { AggregateStore } from './aggregate-store';

let store: AggregateStore | undefined;

export const handler = httpHandler(checkingToken(async (event) => {
  const caller = callerOf(event);
  if (caller.role !== 'admin' && caller.role !== 'clinician') throw forbidden('Analytics are for admins and clinicians');
  store ??= new AggregateStore(dynamoClient(), tableName('analytics'));
  const stored = await store.read();
  return json(200, { ...figuresOf(stored.patients, new Date()), billing: billingFiguresOf(stored.billing, stored.billingDays) });
}));

/** GET /api/analytics: the aggregates of topics patient and billing, for admins and clinicians. */
import { checkingToken } from '../authorizer/in-function';
import { callerOf } from '../commons/caller';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { forbidden } from '../commons/errors';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handlerFor, httpHandler, json } from '../commons/http';
import type { RouteKey } from '../../system/routes';
import { figuresOf } from './aggregates';
import { billingFiguresOf } from './billing-aggregates';
import { AggregateStore } from './aggregate-store';

let store: AggregateStore | undefined;

const ROUTES: Record<RouteKey<'analytics-query'>, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>> = {
  'GET /api/analytics': async (event) => {
    const caller = callerOf(event);
    if (caller.role !== 'admin' && caller.role !== 'clinician')
      throw forbidden('Analytics are for admins and clinicians');
    store ??= new AggregateStore(dynamoClient(), tableName('analytics'));
    const stored = await store.read();
    return json(200, {
      ...figuresOf(stored.patients, new Date()),
      billing: billingFiguresOf(stored.billing, stored.billingDays),
    });
  },
};

export const handler = httpHandler(checkingToken((event) => handlerFor(ROUTES, event)(event)));

/** Who is calling: what the TOKEN authorizer put in `requestContext.authorizer`. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { unauthorized } from './errors';
import { isRole, type Role } from './roles';

export interface Caller {
  userId: string;
  email: string;
  role: Role;
  /** The caller proved they own `email` (API Gateway passes the authorizer's context as strings). */
  emailVerified: boolean;
}

export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Caller {
  const ctx = event.requestContext?.authorizer ?? {};
  const { userId, email, role, emailVerified } = ctx as Record<string, unknown>;
  if (typeof userId !== 'string' || typeof email !== 'string' || !isRole(role)) throw unauthorized();
  return { userId, email, role, emailVerified: emailVerified === 'true' || emailVerified === true };
}

/** Who asks, and the request id every audit record carries. */
export interface RequestContext {
  caller: Caller;
  requestId: string;
}

/** The caller of an authorized request and its id (API Gateway's, or the invocation's when called directly). */
export function requestContextOf(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  context: Pick<Context, 'awsRequestId'>,
): RequestContext {
  return { caller: callerOf(event), requestId: event.requestContext?.requestId ?? context.awsRequestId };
}

/**
 * The TOKEN authorizer's check run inside a function, for deployments without Lambda authorizers
 * (the LocalStack community profile sets REQUIRE_TOKEN_IN_FUNCTION=true on every function whose routes
 * the authorizer guards). It makes the same decision and fills `requestContext.authorizer` as API
 * Gateway would; without the variable it does nothing and the gateway's authorizer has already decided.
 * A handler wrapper (not a middleware's early return), so what it answers passes the same middlewares
 * (CORS) as every other answer.
 */
import type { ApiHandler } from '../commons/http';
import { problem, header } from '../commons/http';
import { logger } from '../commons/logger';
import { authorizerContext, decide, Unauthorized } from './decision';
import { TOKEN_CHECK_VARIABLE } from '../../system/routes';

export function checkingToken(fn: ApiHandler): ApiHandler {
  return async (event, context) => {
    if (process.env[TOKEN_CHECK_VARIABLE] !== 'true') return fn(event, context);
    try {
      const decision = await decide(header(event, 'Authorization'));
      // Whatever the caller sent is replaced: only this decision speaks for the caller.
      event.requestContext = {
        ...event.requestContext,
        authorizer: { principalId: decision.userId, ...authorizerContext(decision) },
      };
    } catch (error) {
      if (error instanceof Unauthorized) return problem(401, 'A valid access token is required');
      logger.error('Token check failed', { errorName: (error as Error)?.name });
      return problem(500, 'The authorizer failed');
    }
    return fn(event, context);
  };
}

/** What a deployment's shape changes in a function's definition: the same rule for every CDK profile and for `npm start`. */
import { functions, type FunctionDefinition, type Setting } from './functions';
import { guardedFunctions, routes } from './routes';

/** How a deployment is shaped, as far as a function's environment goes. */
export interface DeploymentShape {
  /** No Lambda authorizer: the functions behind guarded routes check tokens themselves (LocalStack's free plan). */
  tokenCheckInFunctions: boolean;
  /** Browser origins are named: the functions behind routes answer CORS. */
  cors: boolean;
}

/**
 * A function's definition as a deployment of that shape runs it: behind guarded routes without a Lambda
 * authorizer it also needs the authorizer's settings and tables; behind routes with CORS on, the origins.
 */
export function asDeployed(definition: FunctionDefinition, shape: DeploymentShape): FunctionDefinition {
  const { authorizer } = functions;
  const checksTokens = shape.tokenCheckInFunctions && guardedFunctions().includes(definition.name);
  const added: Setting[] = [
    ...(checksTokens ? ['tokenCheck' as const, ...(authorizer.settings ?? [])] : []),
    ...(shape.cors && routes.some((r) => r.function === definition.name) ? ['cors' as const] : []),
  ];
  if (added.length === 0) return definition;
  return {
    ...definition,
    settings: [...new Set([...(definition.settings ?? []), ...added])],
    tables: checksTokens ? { ...authorizer.tables, ...definition.tables } : definition.tables,
  };
}

/** Matches a request to a route of system/routes.ts, as API Gateway matches resources. */
import { routes, type RouteDefinition } from '../../system/routes';

export interface RouteMatch {
  route: RouteDefinition;
  pathParameters: Record<string, string> | null;
}
export type RouteLookup =
  { kind: 'found'; match: RouteMatch } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' };

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

export function createRouter(table: RouteDefinition[] = routes) {
  const compiled = table.map(compile);
  return function lookup(method: string, path: string): RouteLookup {
    const candidates = compiled
      .map((c) => ({ c, m: c.pattern.exec(path) }))
      .filter((x): x is { c: CompiledRoute; m: RegExpExecArray } => x.m !== null);
    if (candidates.length === 0) return { kind: 'not-found' };
    const hit = candidates.find(({ c }) => c.route.method === method);
    if (!hit) return { kind: 'method-not-allowed', allowed: [...new Set(candidates.map(({ c }) => c.route.method))] };
    let pathParameters: Record<string, string> | null = null;
    try {
      hit.c.names.forEach((name, i) => {
        (pathParameters ??= {})[name] = decodeURIComponent(hit.m[i + 1]!);
      });
    } catch {
      return { kind: 'not-found' }; // malformed percent-encoding cannot name a resource
    }
    return { kind: 'found', match: { route: hit.c.route, pathParameters } };
  };
}

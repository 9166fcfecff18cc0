/** The functions' HTTP edge: bodies that are not valid Unicode, and dependencies that do not answer. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { httpHandler, parseBody } from '../../../functions/commons/http';
import * as z from '../../../functions/commons/zod';

const bodyEvent = (body: string) => ({ body, isBase64Encoded: false });
const status = (run: () => unknown) => {
  try {
    run();
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
};

describe('parseBody', () => {
  const anything = z.unknown();

  it('refuses a string holding a lone surrogate (I-JSON), in values and keys alike, with 400', () => {
    expect(status(() => parseBody(bodyEvent('{"firstName":"\\ud800"}'), anything))).toBe(400);
    expect(status(() => parseBody(bodyEvent('{"a":["x","\\udc00y"]}'), anything))).toBe(400);
    expect(status(() => parseBody(bodyEvent('{"\\ud800":1}'), anything))).toBe(400);
  });

  it('walks a body nested thousands deep without a stack overflow', () => {
    const deep = (open: string, close: string, depth: number) => open.repeat(depth) + '"x"' + close.repeat(depth);
    expect(status(() => parseBody(bodyEvent(deep('{"a":', '}', 10_000)), anything))).toBe(200);
    expect(status(() => parseBody(bodyEvent(deep('[', ']', 20_000).replace('"x"', '"\\ud800"')), anything))).toBe(400);
  });

  it('accepts every well-formed string, surrogate pairs included', () => {
    expect(parseBody(bodyEvent('{"name":"\\ud83d\\ude00 José 李"}'), anything)).toEqual({ name: '😀 José 李' });
  });
});

describe('httpHandler', () => {
  const event = { resource: '/api/x', httpMethod: 'GET', headers: {} } as unknown as APIGatewayProxyEvent;
  const answer = (thrown: unknown) =>
    httpHandler(async () => {
      throw thrown;
    })(event, {} as Context);

  it('answers 503 with Retry-After when a dependency did not answer or is overloaded', async () => {
    for (const thrown of [
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }),
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    ]) {
      const result = await answer(thrown);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['Retry-After']).toBe('2');
      expect(JSON.parse(result.body)).toMatchObject({ status: 503 });
    }
  });

  it('answers 500 for anything else: a bug, a refused condition, a wrong endpoint', async () => {
    expect((await answer(new TypeError('a bug'))).statusCode).toBe(500);
    const refused = Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
    expect((await answer(refused)).statusCode).toBe(500);
    expect((await answer(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }))).statusCode).toBe(500);
  });
});

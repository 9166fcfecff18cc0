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

  it('answers 500 for anything else', async () => {
    expect((await answer(new TypeError('a bug'))).statusCode).toBe(500);
  });
});

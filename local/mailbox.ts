/**
 * GET /_local/mailbox?to=<email>: every message the system would have sent (verification codes), newest
 * first, for people and tests on one machine. The local runtime serves it; nothing deployed does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMailbox } from '../functions/auth/adapters/file-mailbox';

export function mailboxPage(file: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const to = new URL(req.url ?? '/', 'http://localhost').searchParams.get('to') ?? undefined;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ messages: readMailbox(file, to) }));
  };
}

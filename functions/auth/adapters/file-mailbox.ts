/**
 * The local mailbox: on one machine the system "sends" mail by appending it to a file in the data
 * folder (owner-only), and the local gateway serves it at GET /_local/mailbox. Never deployed.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { systemClock, type Clock } from '../../commons/clock';
import type { Mailer, OutgoingMail } from '../ports';

export interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  code: string | null;
  sentAt: string;
}

export class FileMailbox implements Mailer {
  constructor(
    private readonly path: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const message: MailboxMessage = {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      code: mail.code ?? null,
      sentAt: this.clock.now().toISOString(),
    };
    appendFileSync(this.path, `${JSON.stringify(message)}\n`, { mode: 0o600 });
  }
}

/** Messages to `to` (every message without it), newest first. */
export function readMailbox(path: string, to?: string): MailboxMessage[] {
  if (!existsSync(path)) return [];
  const wanted = to?.trim().toLowerCase();
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as MailboxMessage];
      } catch {
        return [];
      }
    }) // a torn last line after a crash
    .filter((m) => !wanted || m.to.toLowerCase() === wanted)
    .reverse();
}

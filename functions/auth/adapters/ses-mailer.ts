/** Mail through Amazon SES (v2 API) from the deployment's verified sender address (`MAIL_FROM`). */
import type * as Sesv2 from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../ports';

export class SesMailer implements Mailer {
  private client: Sesv2.SESv2Client | undefined;

  constructor(private readonly from: string) {}

  async send(mail: OutgoingMail): Promise<void> {
    // Loaded on the first message only: logins and refreshes never pay for the SES client (BUNDLING.separate).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    const { SESv2Client, SendEmailCommand } = require('@aws-sdk/client-sesv2') as typeof Sesv2;
    this.client ??= new SESv2Client({});
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

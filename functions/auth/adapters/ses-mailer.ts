/** Mail through Amazon SES (v2 API) from the deployment's verified sender address (`MAIL_FROM`). */
import type { Mailer } from '../ports';

export function sesMailer(from: string): Mailer {
  // Loaded on the first message only: logins and refreshes never pay for the SES client.
  let client: Promise<{ send: (mail: { to: string; subject: string; text: string }) => Promise<unknown> }> | undefined;
  const ses = () =>
    (client ??= import('@aws-sdk/client-sesv2').then(({ SESv2Client, SendEmailCommand }) => {
      const sdk = new SESv2Client({});
      return {
        send: (mail) =>
          sdk.send(
            new SendEmailCommand({
              FromEmailAddress: from,
              Destination: { ToAddresses: [mail.to] },
              Content: {
                Simple: {
                  Subject: { Data: mail.subject, Charset: 'UTF-8' },
                  Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
                },
              },
            }),
          ),
      };
    }));
  return {
    async send(mail) {
      await (await ses()).send(mail);
    },
  };
}

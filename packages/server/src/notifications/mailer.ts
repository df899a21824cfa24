import nodemailer from 'nodemailer';

/** Sends one plain-text email; rejects when the SMTP server does not take it. */
export interface Mailer {
  send(msg: { from: string; to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

/** A mailer for HOTLINE_SMTP_URL (nodemailer's SMTP transport: STARTTLS when offered, AUTH from the URL). */
export function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(msg) {
      await transport.sendMail(msg);
    },
    close() {
      transport.close();
    },
  };
}

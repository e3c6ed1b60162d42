// E-mail delivery: a plain-text and HTML digest through nodemailer over SMTP. The server comes
// from G287_SMTP_URL (smtp://user:pass@host:587, or smtps:// for implicit TLS) and the sender
// from G287_MAIL_FROM.
import nodemailer from "nodemailer";
import { z } from "zod";
import type { Digest } from "./compose.js";

export interface MailConfig {
  smtpUrl: string;
  from: string;
  timeoutMs?: number;
}

const configSchema = z.object({
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//i, "G287_SMTP_URL must be an smtp:// or smtps:// URL")
    .refine((u) => URL.canParse(u), "G287_SMTP_URL is not a valid URL"),
  from: z.string().min(3, "G287_MAIL_FROM is not set"),
});

/** The mail settings, or why e-mail cannot be sent. */
export function mailConfig(
  opts: { smtpUrl?: string; from?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): MailConfig | { problem: string } {
  const raw = { smtpUrl: opts.smtpUrl ?? env.G287_SMTP_URL ?? "", from: opts.from ?? env.G287_MAIL_FROM ?? "" };
  if (!raw.smtpUrl) return { problem: "G287_SMTP_URL is not set: e-mail alerts stay in the outbox" };
  const r = configSchema.safeParse(raw);
  return r.success ? r.data : { problem: r.error.issues[0]?.message ?? "bad mail settings" };
}

export interface Mailer {
  send(to: string, d: Digest, ids: { messageId: string; deliveryId: string }): Promise<void>;
  close(): void;
}

export function createMailer(cfg: MailConfig): Mailer {
  const t = cfg.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    url: cfg.smtpUrl,
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
  });
  return {
    async send(to, d, ids) {
      await transport.sendMail({
        from: cfg.from,
        to,
        subject: d.subject,
        text: d.text,
        html: d.html,
        // The same digest retried keeps its Message-ID, so mail systems can drop the repeat.
        messageId: ids.messageId,
        headers: { "X-G287-Delivery": ids.deliveryId, "Auto-Submitted": "auto-generated" },
      });
    },
    close() {
      transport.close();
    },
  };
}

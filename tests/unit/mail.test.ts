import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { html } from '@/lib/mail/html';
import { mailMode } from '@/lib/mail/mode';
import { deliveryFailure } from '@/lib/mail/smtp-failure';
import { smtpOptions } from '@/lib/mail/transport';
import { PermanentJobError, RetryableJobError } from '@/lib/jobs/define-job';

describe('mail', () => {
  it('sends over SMTP with SMTP_URL, writes files without it, and is off in production without it', () => {
    expect(
      mailMode(parseEnv({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'a@example.com' })),
    ).toBe('smtp');
    expect(mailMode(parseEnv({}))).toBe('files');
    expect(mailMode(parseEnv({ NODE_ENV: 'production' }))).toBe('off');
  });

  it('requires STARTTLS on smtp:// but to this machine, TLS from the start on smtps://, and decodes the credentials', async () => {
    const from = { MAIL_FROM: 'a@example.com' };
    expect(
      await smtpOptions(
        parseEnv({ ...from, SMTP_URL: 'smtp://apikey:s%2Fcret@smtp.sendgrid.net:587' }),
      ),
    ).toMatchObject({
      host: 'smtp.sendgrid.net',
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'apikey', pass: 's/cret' },
    });
    expect(
      await smtpOptions(parseEnv({ ...from, SMTP_URL: 'smtps://resend:key@smtp.resend.com' })),
    ).toMatchObject({ port: 465, secure: true, requireTLS: false });
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(
        await smtpOptions(parseEnv({ ...from, SMTP_URL: `smtp://${host}:2525` })),
      ).toMatchObject({ secure: false, requireTLS: false });
    }
  });

  it('names a failure by the reply code and enhanced status only; refused recipients are final, the rest retried', () => {
    const refused = deliveryFailure(
      Object.assign(new Error('x'), {
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 5.1.1 <ada@example.com>: no such user',
      }),
    );
    expect(refused).toBeInstanceOf(PermanentJobError);
    expect(refused.message).toBe('smtp_550_5.1.1');
    const busy = deliveryFailure(
      Object.assign(new Error('x'), {
        code: 'EENVELOPE',
        responseCode: 451,
        response: '451 4.7.1 try later',
      }),
    );
    expect(busy).toBeInstanceOf(RetryableJobError);
    expect(busy.message).toBe('smtp_451_4.7.1');
    // A refused login is the operator's to fix: retried meanwhile, not given up.
    expect(
      deliveryFailure(
        Object.assign(new Error('x'), {
          code: 'EAUTH',
          responseCode: 535,
          response: '535 5.7.8 bad',
        }),
      ),
    ).toBeInstanceOf(RetryableJobError);
    expect(
      deliveryFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))
        .message,
    ).toBe('smtp_esocket');
  });

  it('escapes interpolated values in HTML, but for nested templates', () => {
    const name = `<script>"O'Brien" & co</script>`;
    expect(html`<p title="${name}">${name}${html`<b>${'<i>'}</b>`}</p>`.markup).toBe(
      '<p title="&lt;script&gt;&quot;O&#39;Brien&quot; &amp; co&lt;/script&gt;">&lt;script&gt;&quot;O&#39;Brien&quot; &amp; co&lt;/script&gt;<b>&lt;i&gt;</b></p>',
    );
  });
});

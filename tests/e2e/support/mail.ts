import { expect, APIRequestContext } from '@playwright/test';

// The mail catcher the stack under test sends its mail to (the compose `mail` profile:
// maildev), read through its REST API at LIFEBOAT_MAIL_URL.

export const mailUrl = process.env.LIFEBOAT_MAIL_URL ?? 'http://127.0.0.1:1080';

interface CaughtMail {
  subject: string;
  text: string;
  to: { address: string }[];
}

/** Waits for a mail to `address` whose subject contains `subject`, and answers the link in
 *  it that opens `page` (`/reset` or `/verify`). */
export async function linkInMail(request: APIRequestContext, address: string, subject: string,
  page: '/reset' | '/verify'): Promise<string> {
  let link: string | undefined;
  await expect.poll(async () => {
    const answer = await request.get(`${mailUrl}/email`);
    expect(answer.ok()).toBe(true);
    const mails = (await answer.json()) as CaughtMail[];
    const mail = mails.reverse().find((m) => m.subject.includes(subject)
      && m.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
    link = mail?.text.match(new RegExp(`\\S+${page}\\?token=\\S+`))?.[0];
    return link;
  }, { message: `a mail "${subject}" to ${address}`, timeout: 30_000 }).toBeTruthy();
  return link!;
}

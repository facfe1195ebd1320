# The test SMTP server's handler (scripts/harness/smtp.mjs): aiosmtpd's Maildir handler, which also
# refuses, with a permanent 550, any recipient whose address starts with "reject", so that the tests
# see a real server's refusal of one recipient.
from aiosmtpd.handlers import Mailbox


class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

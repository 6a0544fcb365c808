#!/usr/bin/python3
# A real SMTP server for the email channel's tests: Debian's aiosmtpd (python3-aiosmtpd), with
# STARTTLS (a certificate the test made) required before AUTH, AUTH PLAIN/LOGIN required for
# mail, and each accepted message written to DIR/NNN.eml exactly as received (the envelope in
# DIR/NNN.env: MAIL FROM and RCPT TO lines). Recipients starting with "refused" get a 550,
# those starting with "busy" a 451 the first time they are tried
# (remembered in DIR across restarts). Prints "listening PORT".
#
#   smtp_sink.py --dir DIR --port 0 --cert C --key K --user U --password P
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.dir = directory
        # Numbering goes on after a restart.
        self.count = len([f for f in os.listdir(directory) if f.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        seen = os.path.join(self.dir, "busy-" + address)  # kept across restarts
        if address.startswith("busy") and not os.path.exists(seen):
            open(seen, "w").close()
            return "451 4.2.0 <%s>: mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.dir, "%03d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".env", "w") as f:
            f.write("MAIL FROM " + envelope.mail_from + "\n")
            for r in envelope.rcpt_tos:
                f.write("RCPT TO " + r + "\n")
            f.write("AUTH " + (session.auth_data.login.decode()
                               if isinstance(session.auth_data, LoginPassword) else "") + "\n")
            f.write("TLS " + ("yes" if session.ssl else "no") + "\n")
        os.rename(base + ".eml.tmp", base + ".eml")  # complete when it appears
        return "250 2.0.0 Ok: queued as %03d" % self.count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    a = p.parse_args()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)
    sink = Sink(a.dir)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == a.user.encode()
              and auth_data.password == a.password.encode())
        if ok:
            return AuthResult(success=True, handled=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # answered 535

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", tls_context=tls, require_starttls=True,
                     authenticator=authenticate, auth_required=True,
                     auth_require_tls=True),
        host="127.0.0.1", port=a.port, reuse_address=True))
    print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

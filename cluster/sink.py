"""The cluster run's SMTP server: it accepts every message and appends it, as one JSON line, to a
log that the run counts e-mails in.

`python -m cluster.sink --port 2525 --log sink.jsonl [--delay 0.02]`

A message is written to the log before the server answers 250, so the log holds exactly what
was accepted. `--delay` is the time the server takes per message (a real relay is not instant).
SIGTERM stops it as an SMTP server should stop: it closes the port at once, answers 421 to any
new message on an open connection, finishes the messages it is receiving, then exits; nothing it
acknowledged is missing from the log, and nothing it did not acknowledge is in it.
"""

import argparse
import asyncio
import json
import signal
import time
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP

SHUTTING_DOWN = "421 4.3.2 Service shutting down, try again later"
LONGEST_SHUTDOWN = 10.0  # seconds to finish the messages being received


class Recorder:
    """The aiosmtpd handler: refuses new messages once closing, logs every message it accepts."""

    def __init__(self, log_path: str, delay: float):
        self.log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 (open while serving)
        self.delay = delay
        self.closing = False
        self.receiving = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.closing:
            return SHUTTING_DOWN
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.receiving += 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            message = message_from_bytes(envelope.content, policy=policy.default)
            body = message.get_body(preferencelist=("plain",))
            record = {
                "message_id": str(message["Message-ID"] or ""),
                "to": envelope.rcpt_tos,
                "subject": str(message["Subject"] or ""),
                "text": body.get_content() if body is not None else "",
                "received_at": time.time(),
            }
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()
            return "250 2.0.0 OK: queued"
        finally:
            self.receiving -= 1


async def serve(port: int, recorder: Recorder) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(recorder, hostname="sink.cluster.test"), host="127.0.0.1", port=port
    )
    stopping = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopping.set)
    print(f"SMTP sink listening on 127.0.0.1:{port}", flush=True)
    await stopping.wait()
    recorder.closing = True
    server.close()
    deadline = loop.time() + LONGEST_SHUTDOWN
    while recorder.receiving and loop.time() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # let the last 250 replies leave
    recorder.log.close()
    print("SMTP sink stopped", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    options = parser.parse_args()
    asyncio.run(serve(options.port, Recorder(options.log, options.delay)))


if __name__ == "__main__":
    main()

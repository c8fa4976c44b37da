"""The program page, the privacy page, /healthz, and the development mailbox."""

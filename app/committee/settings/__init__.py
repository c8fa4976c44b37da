"""The program's settings (status, limits, contacts, texts) and its intakes, as the committee
runs them: `services` and `intakes` change them, `texts` checks and renders the Markdown texts,
`routes` are the pages."""

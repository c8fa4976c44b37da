"""The committee's CSV exports: `services` (what they are, starting one), `rows` (the queries),
`csv_file` (writing the file), `routes` (the page and the downloads)."""

"""The mentor directory: filters, search and best-fit order, and a mentor's own page."""

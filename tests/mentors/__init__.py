"""The mentor directory (app/mentors): listing, filters, search, order, SQL statements."""

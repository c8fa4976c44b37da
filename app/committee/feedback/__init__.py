"""What the pairs wrote for the committee when their mentorship closed: `queries` (the list,
its figures, one mentorship's), `forms` and `routes` (the page)."""

"""The committee's matching workbench (/committee/matching): match a whole pool of mentees at
once, optimally, review the draft with why anyone is left out, change it, re-run it and
publish it.

- `pool`: who is in a pool (an intake's mentees, or every waiting mentee; mentors with an open
  spot), read from the database as `app.matching.Member`s;
- `services`: the operations (run, re-run, change a pair, publish, carry the unmatched to the
  next intake, discard), each one transaction with its audit event;
- `review`: what the pages show, in a constant number of SQL statements, and whether a draft is
  still up to date;
- `routes`, `forms`: the pages. The pure parts are `app.matching_criteria` (criteria, reasons,
  explanations) and `app.matching_solver` (the optimal assignment).
"""

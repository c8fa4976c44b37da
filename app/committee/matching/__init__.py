"""The committee's matching workbench (/committee/matching): match a whole pool of mentees at
once, optimally, review the draft with why anyone is left out, change it, re-run it and
publish it.

- `pool`: who is in a pool (an intake's mentees, or every waiting mentee; mentors with an open
  spot), read from the database as `app.matching.Member`s;
- `services`: the operations on runs (run, re-run, publish, carry the unmatched to the next
  intake, discard), each one transaction with its audit event; `changes`, those on a draft's
  pairs (remove, lock, choose, swap); `drafts`, what they share (taking a draft for a change);
- `review`: what the pages show, in a constant number of SQL statements, and whether a draft is
  still up to date;
- `routes`, `forms`: the pages. The pure parts are `app.matching_criteria` (criteria, each
  pair's reasons), `app.matching_explanations` (why anyone is left out), `app.matching_solver`
  (the optimal assignment) and `app.matching_plan` (a whole run).
"""

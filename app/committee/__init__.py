"""The committee's area, by what the committee does: `dashboard` (its home: figures, charts,
attention lists), `admin` (the views of one request and of one mentorship), `members`,
`roster` (the roster import), `settings` (the program's settings and intakes), `exports` (CSV),
`feedback` (what pairs wrote when they closed), `matching` (the matching workbench: whole pools
matched at once) and `audit` (the trail and its log page).

Each part has its own routes (thin), forms and services or query modules. Every view is on the
one blueprint of `app.committee.blueprint`, whose guard (`app.committee.access`) answers 404 to
everyone but the committee. `app.committee.routes` imports every part's routes and exposes
`bp`; importing a services or query module imports no routes.
"""

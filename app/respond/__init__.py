"""Decision links: a mentor opens /respond/<token> from the request e-mail, sees the request and
accepts or declines it with a POST from that page, without signing in (the signed token is
their authority). GET and HEAD change nothing."""

"""The committee's members: `queries` (the member list and a member's page), `services`
(verifying a membership), `accounts` (deactivating an account, the committee role), `routes`
(the pages). A membership's status is decided by `app.eligibility`."""

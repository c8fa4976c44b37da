"""Member profiles: the profile and its edit page, role agreements, the eligibility checklist,
the member's copy of their data and the deletion of their account."""

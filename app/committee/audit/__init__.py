"""The audit trail of committee actions (`trail`: what is recorded, and how) and the audit log
page that lists it (`log`: the queries; `routes`: the page)."""

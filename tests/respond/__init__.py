"""Decision links (app/respond): a mentor answers a request from the e-mail."""

"""The committee's admin views of one request and of one mentorship (`request_view`,
`mentorship_view`: what the committee may see of them), the re-send of a request's e-mail
(`services`), and their pages (`routes`)."""

"""Member profiles (app/profiles): the form, eligibility, agreements, my data, deletion."""

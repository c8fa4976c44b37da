"""Mentorships (app/mentorships): the pair's pages, the models, closing, reminders."""

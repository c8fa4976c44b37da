"""Mentorships: the pair's pages (agreement, check-ins, goals, progress, next meeting), closing
them (complete, end early, extend, feedback), reminders and the participation record."""

"""The program page and the basic pages (app/main)."""

"""The roster import: `parsing` reads the association's roster file, `comparison` says what
applying each row would do, `services` keeps, previews and applies an import, `routes` are the
pages."""

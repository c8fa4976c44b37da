"""The committee (app/committee): dashboard, members, roster, settings, exports, feedback."""

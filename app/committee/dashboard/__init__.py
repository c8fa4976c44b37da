"""The committee's dashboard, its home page: `figures` (now, and in a `period`), `charts` (their
data; `svg` draws them), the `attention` lists, and `conditions`, the SQL pieces they share;
`routes` are the dashboard and the attention lists' own pages."""

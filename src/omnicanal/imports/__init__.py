"""File imports shared by every domain: readers for CSV and JSON Lines, column mapping, per-row
validation, and the rejected rows kept with their reasons so they can be listed and replayed."""

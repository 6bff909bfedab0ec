"""The front end: `.bnn` text -> syntax tree (parse) -> checked model (check, data)."""

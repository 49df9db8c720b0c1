"""Package data: the articles' claims catalogue (articles.toml), checked by `nnderive check --file`."""

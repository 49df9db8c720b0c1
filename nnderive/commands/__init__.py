"""One module per subcommand group: argument parsing and printing; the work is done by the stages."""

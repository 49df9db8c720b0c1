"""The `nnderive` command line: one parser over every stage; it imports the stages, none imports it."""

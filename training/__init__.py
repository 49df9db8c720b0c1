"""The training runtime: data sets, the training loop over a generated module, and the run pipeline."""

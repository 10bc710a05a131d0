// Placeholder so the target builds; its contract is in README.md.

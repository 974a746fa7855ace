"""The worklist: what the signed-in person should do today."""

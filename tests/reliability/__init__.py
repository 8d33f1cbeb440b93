"""The fault suite: real faults, each ending in one clear sentence with nothing lost."""

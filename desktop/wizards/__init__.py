"""Guided flows: moving tokens into the keychain, and responding to a leak."""

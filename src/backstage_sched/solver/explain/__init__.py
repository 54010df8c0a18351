"""Explanation: why someone is left out, in words a coordinator can act on."""

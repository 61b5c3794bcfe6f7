"""Loopback fakes of the platforms' APIs, serving payloads in their documented shapes."""

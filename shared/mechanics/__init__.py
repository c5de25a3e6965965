"""Platform mechanics: the envelope and catalogue, the event store and its outbox relay, the consumer and its
positions, the decider and the command pipeline, the service runtime, HTTP, auth, settings and telemetry.
Nothing here knows an inspection; every service runs on it."""

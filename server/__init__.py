"""The thin server around the game engine: settings, event store, hub, routes, CLI."""

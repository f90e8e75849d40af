"""Process runtime: which services run here, their registration and heartbeat, the server."""

"""Discussion commands (message.post, …)."""

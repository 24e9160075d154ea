"""Managing organisations and users (for admins)."""

"""Named query functions. Each takes an open Connection; transactions are the caller's."""

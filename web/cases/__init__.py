"""Cases: the projection the lists read, registering an entry, and the case page."""
